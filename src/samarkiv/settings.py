"""Django settings: every bit of state lives under one directory, SAMARKIV_HOME.

Why one directory: a municipality's IT can back up, move or wipe an installation by
handling a single folder, and two installations (or two test runs) never share state.

Configuration is read from, in rising priority: built-in defaults, an optional TOML file
(``$SAMARKIV_HOME/samarkiv.toml`` or the file named by ``SAMARKIV_CONFIG``), and
``SAMARKIV_*`` environment variables. Nothing secret is hard-coded here.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

PACKAGE_DIR = Path(__file__).resolve().parent


def _home() -> Path:
    """The installation directory; ``./var`` under the working directory by default."""
    return Path(os.environ.get("SAMARKIV_HOME") or Path.cwd() / "var").resolve()


def _read_toml(home: Path) -> dict[str, Any]:
    """Optional settings file; a file named in SAMARKIV_CONFIG must exist."""
    named = os.environ.get("SAMARKIV_CONFIG")
    path = Path(named) if named else home / "samarkiv.toml"
    if not named and not path.exists():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _setting(name: str, default: Any = None) -> Any:
    """Env ``SAMARKIV_<NAME>`` wins over the TOML key ``<name>``, which wins over default."""
    env = os.environ.get(f"SAMARKIV_{name.upper()}")
    if env is not None:
        return env
    return _TOML.get(name.lower(), default)


def _flag(name: str, default: bool) -> bool:
    value = _setting(name, default)
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: list[str]) -> list[str]:
    value = _setting(name, default)
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return list(value)


def _oidc() -> dict[str, str] | None:
    """Single sign-on through the municipality's OpenID Connect provider, if configured.

    From the TOML table ``[oidc]`` (keys ``issuer`` or ``server_metadata_url``,
    ``client_id``, ``client_secret``, ``label``), overridden per key by
    ``SAMARKIV_OIDC_<KEY>``. Off (None) unless a client id and a provider are set; the
    secret belongs in the environment, not in a file under version control.
    """
    table = _TOML.get("oidc", {})
    keys = ("issuer", "server_metadata_url", "client_id", "client_secret", "label")
    config = {key: str(_setting(f"oidc_{key}", table.get(key, "")) or "") for key in keys}
    if not config["server_metadata_url"] and config["issuer"]:
        issuer = config["issuer"].rstrip("/")
        config["server_metadata_url"] = f"{issuer}/.well-known/openid-configuration"
    if not (config["client_id"] and config["server_metadata_url"]):
        return None
    return config


def _secret_key(home: Path) -> str:
    """From the environment, else generated once per installation and kept (0600)."""
    configured = _setting("secret_key")
    if configured:
        return str(configured)
    path = home / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    key = secrets.token_urlsafe(50)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    return key


# Write-ahead log: the portal's readers never wait for the worker's writes (and the
# reverse); a writer waits up to 20 s for another instead of failing at once.
_SQLITE_OPTIONS = {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20}


def database_from_url(url: str | None, home: Path) -> dict[str, Any]:
    """Turn SAMARKIV_DATABASE_URL into a Django DATABASES entry (SQLite when unset)."""
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": home / "catalogue.sqlite3",
                "OPTIONS": _SQLITE_OPTIONS}  # fmt: skip
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": unquote(parts.path),
                "OPTIONS": _SQLITE_OPTIONS}  # fmt: skip
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ValueError(f"SAMARKIV_DATABASE_URL: unsupported scheme {parts.scheme!r}")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "OPTIONS": dict(parse_qsl(parts.query)),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


SAMARKIV_HOME = _home()
SAMARKIV_HOME.mkdir(parents=True, exist_ok=True)
_TOML = _read_toml(SAMARKIV_HOME)

SAMARKIV_STORAGE_DIR = SAMARKIV_HOME / "storage"
SAMARKIV_WORKSPACES_DIR = SAMARKIV_HOME / "workspaces"
SAMARKIV_TMP_DIR = SAMARKIV_HOME / "tmp"
SAMARKIV_DEMO_DIR = SAMARKIV_HOME / "demo"
SAMARKIV_LOCKS_DIR = SAMARKIV_HOME / "locks"
# Member municipalities: `[[tenants]]` tables (name, code, org_number, host) in samarkiv.toml.
SAMARKIV_TENANTS = _TOML.get("tenants", [])
# Storage locations and per-tenant policies: the `[storage]` table, see storage/config.py.
SAMARKIV_STORAGE = _TOML.get("storage", {})
for _dir in (SAMARKIV_STORAGE_DIR, SAMARKIV_WORKSPACES_DIR, SAMARKIV_TMP_DIR):
    _dir.mkdir(exist_ok=True)

SECRET_KEY = _secret_key(SAMARKIV_HOME)
DEBUG = _flag("debug", False)
ALLOWED_HOSTS = _list("allowed_hosts", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = _list("csrf_trusted_origins", [])

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "samarkiv.catalog",
    "samarkiv.catalog.records",
    "samarkiv.access.search",
    "samarkiv.accounts",
    "samarkiv.auditlog",
    "samarkiv.delivery",
    "samarkiv.preservation",
    "samarkiv.ingest",
    "samarkiv.access.publication",
    "samarkiv.access.requests",
    "samarkiv.access.databases",
    "samarkiv.decommissioning",
    "samarkiv.planning",
    "samarkiv.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "samarkiv.web.scoping.ScopeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "samarkiv.urls"
LOGIN_URL = "/staff/login/"
LOGIN_REDIRECT_URL = "/staff/"
LOGOUT_REDIRECT_URL = "/staff/login/"
ASGI_APPLICATION = "samarkiv.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "samarkiv.web.scoping.staff_context",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(_setting("database_url"), SAMARKIV_HOME)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Swedish first: the staff and the public are Swedish municipalities.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = str(_setting("time_zone", "Europe/Stockholm"))
USE_TZ = True

# Cookies: never readable from scripts, never sent cross-site, HTTPS-only by default.
# Browsers treat http://localhost as secure, so the default also works for `make run`.
_SECURE_COOKIES = _flag("secure_cookies", True)
SESSION_COOKIE_SECURE = _SECURE_COOKIES
CSRF_COOKIE_SECURE = _SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = _SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = int(_setting("hsts_seconds", 0))
SECURE_SSL_REDIRECT = _flag("ssl_redirect", False)  # on when served over HTTPS only
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if _flag("behind_https_proxy", False) else None
)

STATIC_URL = "static/"
STATIC_ROOT = SAMARKIV_HOME / "static"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": SAMARKIV_STORAGE_DIR},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Uploads larger than 2.5 MB are spooled to disk, inside the home, never in /tmp.
FILE_UPLOAD_TEMP_DIR = SAMARKIV_TMP_DIR
FILE_UPLOAD_PERMISSIONS = 0o600
SAMARKIV_MAX_UPLOAD_BYTES = int(_setting("max_upload_bytes", 2 * 1024**3))

# Staff single sign-on (OpenID Connect); None: local accounts only. See _oidc().
SAMARKIV_OIDC = _oidc()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": str(_setting("log_level", "WARNING")).upper()},
}

# --- Delivery API (web/api, delivery/services, delivery/worker) ---------------------
# One tus PATCH may carry at most this many bytes (clients should send 8-32 MiB).
SAMARKIV_MAX_CHUNK_BYTES = int(_setting("max_chunk_bytes", 64 * 1024**2))
# An upload nobody touches for this long is terminated and its bytes removed.
SAMARKIV_UPLOAD_EXPIRY_HOURS = int(_setting("upload_expiry_hours", 7 * 24))
# Deliveries run in one background thread of the web process (default); tests may run
# them inline, in the request; a deployment with a separate worker may turn the thread off.
SAMARKIV_DELIVERY_INLINE = _flag("delivery_inline", False)
SAMARKIV_DELIVERY_THREAD = _flag("delivery_thread", True)

# --- Search (access/search) -----------------------------------------------------------
# "tantivy": an embedded index under SAMARKIV_HOME/index (default); "postgresql": full-text
# search in the catalogue database (only when the catalogue is on PostgreSQL).
SAMARKIV_SEARCH_BACKEND = str(_setting("search_backend", "tantivy"))
