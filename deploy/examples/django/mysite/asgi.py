"""The ASGI entry point uvicorn runs: mysite.asgi:application (`asgi:` in the fleet file)."""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
application = get_asgi_application()
