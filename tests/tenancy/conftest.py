"""The matrix ingests tenant B's package, so it needs the private archive home."""

from tests.web.conftest import collected_static  # noqa: F401
