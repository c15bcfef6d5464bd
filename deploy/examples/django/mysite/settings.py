"""Settings of the example Django site (docs/apps.md).

Everything that differs between a laptop and a fleet comes from the environment, as DeployMachine
writes it on every app and task node: the database (DM_DB_*), where collectstatic collects to
(DM_STATIC_ROOT), the cache and the task broker (DM_CACHE_URL, DM_BROKER_URL), the object store
that holds the uploads (DM_MEDIA_*), and the fleet file's `app: env:` (DJANGO_SECRET_KEY from a
fleet secret, DJANGO_ALLOWED_HOSTS).
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

# Uploads never live on one app node's disk: every node reads and writes the fleet's object store
# (the fleet file's `media: {store: NAME}`), through django-storages from Debian. Without one
# (a laptop), they go to a folder.
MEDIA_URL = "/media/"
MEDIA_STORE = os.environ.get("DM_MEDIA_STORE", "")
if MEDIA_STORE == "s3":
    # python3-django-storages-boto3
    DEFAULT_FILE_STORAGE = "storages.backends.s3boto3.S3Boto3Storage"
    AWS_S3_ENDPOINT_URL = os.environ["DM_MEDIA_ENDPOINT"]
    AWS_S3_REGION_NAME = os.environ["DM_MEDIA_REGION"]
    AWS_STORAGE_BUCKET_NAME = os.environ["DM_MEDIA_BUCKET"]
    AWS_ACCESS_KEY_ID = os.environ["DM_MEDIA_ACCESS_KEY"]
    AWS_SECRET_ACCESS_KEY = os.environ["DM_MEDIA_SECRET_KEY"]
    AWS_S3_ADDRESSING_STYLE = os.environ.get("DM_MEDIA_ADDRESSING", "path")
    AWS_S3_SIGNATURE_VERSION = "s3v4"
    AWS_LOCATION = os.environ.get("DM_MEDIA_PREFIX", "")
    AWS_DEFAULT_ACL = None  # private: the site hands files out itself (notes.views.download)
    AWS_S3_FILE_OVERWRITE = False
elif MEDIA_STORE == "swift":
    # python3-django-storages-libcloud, with libcloud's OpenStack Swift driver (mysite/swift_storage)
    DEFAULT_FILE_STORAGE = "mysite.swift_storage.SwiftStorage"
    _v3 = os.environ.get("DM_MEDIA_AUTH_VERSION") == "3"
    _auth = os.environ["DM_MEDIA_AUTH_URL"].rstrip("/")
    LIBCLOUD_PROVIDERS = {
        "media": {
            "type": "libcloud.storage.types.Provider.OPENSTACK_SWIFT",
            "user": os.environ["DM_MEDIA_USER"],
            "key": os.environ["DM_MEDIA_KEY"],
            "bucket": os.environ["DM_MEDIA_CONTAINER"],
            "prefix": os.environ.get("DM_MEDIA_PREFIX", ""),
            "driver_options": {
                # libcloud asks a URL with a path at that path (TempAuth's .../auth/v1.0), and
                # one without at the version's own (/v3/auth/tokens for Keystone).
                "ex_force_auth_url": (_auth.rsplit("/", 1)[0] if _v3 else _auth),
                "ex_force_auth_version": "3.x_password" if _v3 else "1.0",
                "ex_tenant_name": os.environ.get("DM_MEDIA_PROJECT") or None,
                "ex_domain_name": os.environ.get("DM_MEDIA_DOMAIN") or "Default",
                "ex_force_service_region": os.environ.get("DM_MEDIA_REGION") or None,
                "secure": _auth.startswith("https://"),
            },
        }
    }
    DEFAULT_LIBCLOUD_PROVIDER = "media"
else:
    MEDIA_ROOT = str(BASE_DIR / "media")

# Tasks (Celery) go through the fleet's Redis (`cache: redis`); their outcome is written to the
# database by the task itself, so no result backend is needed.
CELERY_BROKER_URL = os.environ.get("DM_BROKER_URL", "")
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# The cache: Redis (python3-django-redis) or memcached (python3-pymemcache), as the fleet has it.
_cache_url = os.environ.get("DM_CACHE_URL", "")
if _cache_url.startswith("redis://"):
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": _cache_url}}
elif _cache_url.startswith("memcached://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
                          "LOCATION": _cache_url[len("memcached://"):]}}
