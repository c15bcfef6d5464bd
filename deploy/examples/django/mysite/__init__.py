# Django loads the Celery application with the site, so that @shared_task uses its broker.
from mysite.celery import app as celery_app

__all__ = ("celery_app",)
