from django.db import models


class Note(models.Model):
    """One line someone left: the rows the tests count across deploys and restores."""

    text = models.CharField(max_length=200)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return self.text
