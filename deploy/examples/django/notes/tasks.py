import socket

from celery import shared_task

from notes.models import Job


@shared_task
def count_words(job_id):
    """Counts the job's words and says which host did it: the page shows both."""
    job = Job.objects.get(pk=job_id)
    job.words = len(job.text.split())
    job.worker = socket.gethostname()
    job.save(update_fields=["words", "worker"])
