"""ASGI entry point, served by uvicorn (`samarkiv serve`)."""

import os
import warnings

from django.core.asgi import get_asgi_application

# WhiteNoise serves static files with synchronous iterators; Django's ASGI handler then
# reads them in a thread and warns on every file. The files are small, the warning noise.
warnings.filterwarnings(
    "ignore", message="StreamingHttpResponse must consume synchronous iterators"
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samarkiv.settings")

application = get_asgi_application()

# Deliveries queued before a restart (or left half-run by a crash) start at once, not
# when the next one arrives.
from samarkiv.delivery.worker import nudge  # noqa: E402

nudge()
