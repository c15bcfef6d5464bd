from django.contrib import admin

from notes.models import Job, Note, Upload

admin.site.register(Note)
admin.site.register(Upload)
admin.site.register(Job)
