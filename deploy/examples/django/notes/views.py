import os
import socket

from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect, render

from notes.models import Note


def index(request):
    if request.method == "POST" and request.POST.get("text"):
        Note.objects.create(text=request.POST["text"][:200])
        return redirect("index")
    notes = Note.objects.all()[:50]
    return render(request, "notes/index.html",
                  {"notes": notes, "count": Note.objects.count(), "host": socket.gethostname()})


def health(request):
    """200 once the app can reach its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok\n", content_type="text/plain")


def version(request):
    return HttpResponse(os.environ.get("DM_REVISION", "unknown") + "\n", content_type="text/plain")
