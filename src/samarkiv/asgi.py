"""ASGI entry point, served by uvicorn (`samarkiv serve`)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samarkiv.settings")

application = get_asgi_application()
