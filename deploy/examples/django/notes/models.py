from django.db import models


class Note(models.Model):
    """One line someone left: the rows the tests count across deploys and restores."""

    text = models.CharField(max_length=200)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return self.text


class Upload(models.Model):
    """A file someone uploaded: kept in the fleet's object store, whichever app node took it."""

    file = models.FileField(upload_to="uploads/")
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.file.name


class Job(models.Model):
    """A task enqueued by a page and done by a task node (notes.tasks.count_words)."""

    text = models.TextField()
    words = models.IntegerField(null=True)
    worker = models.CharField(max_length=100, blank=True)  # the host that did it
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"job {self.pk}"
