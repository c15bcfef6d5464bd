"""Settings of the example Django site (docs/apps.md).

Everything that differs between a laptop and a fleet comes from the environment, as DeployMachine
writes it on every app node: the database (DM_DB_*), where collectstatic collects to
(DM_STATIC_ROOT), and the fleet file's `app: env:` (DJANGO_SECRET_KEY from a fleet secret,
DJANGO_ALLOWED_HOSTS).
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost 127.0.0.1").split()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "notes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "mysite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "mysite.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": os.environ.get("DM_DB_HOST", "127.0.0.1"),
        "NAME": os.environ.get("DM_DB_NAME", "mysite"),
        "USER": os.environ.get("DM_DB_USER", "mysite"),
        "PASSWORD": os.environ.get("DM_DB_PASSWORD", ""),
        "CONN_MAX_AGE": 60,
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# The load balancers serve /static/ from the folder collectstatic fills (the fleet file's
# `static:`), so the app nodes never see those requests.
STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("DM_STATIC_ROOT") or str(BASE_DIR / "collected")
