"""The example's Celery application (Debian's python3-celery): task nodes run its workers (the
fleet file's `app: worker:`), app nodes enqueue to it. Its broker is the fleet's Redis, which
DeployMachine names in DM_BROKER_URL."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")

app = Celery("mysite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
