import os
import socket

from django.db import connection
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from notes.models import Job, Note, Upload
from notes.tasks import count_words


def index(request):
    if request.method == "POST" and request.POST.get("text"):
        Note.objects.create(text=request.POST["text"][:200])
        return redirect("index")
    notes = Note.objects.all()[:50]
    return render(request, "notes/index.html",
                  {"notes": notes, "count": Note.objects.count(), "host": socket.gethostname(),
                   "uploads": Upload.objects.order_by("-created")[:20]})


def health(request):
    """200 once the app can reach its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok\n", content_type="text/plain")


def version(request):
    return HttpResponse(os.environ.get("DM_REVISION", "unknown") + "\n", content_type="text/plain")


@require_POST
def upload(request):
    """Stores the posted file in the fleet's media store; answers with its download path."""
    if "file" not in request.FILES:
        return HttpResponse("no file\n", status=400, content_type="text/plain")
    item = Upload.objects.create(file=request.FILES["file"])
    return HttpResponse(f"/uploads/{item.pk}\n", status=201, content_type="text/plain")


def download(request, pk):
    """The upload, read from the media store by whichever app node answers (no public bucket)."""
    item = get_object_or_404(Upload, pk=pk)
    response = FileResponse(item.file.open("rb"), as_attachment=False)
    response["X-Served-By"] = socket.gethostname()
    return response


@require_POST
def enqueue(request):
    """Enqueues a task for the task nodes; /jobs/ID shows its result once one has done it."""
    job = Job.objects.create(text=request.POST.get("text", ""))
    count_words.delay(job.pk)
    return HttpResponse(f"/jobs/{job.pk}\n", status=202, content_type="text/plain")


def job(request, pk):
    item = get_object_or_404(Job, pk=pk)
    return JsonResponse({"id": item.pk, "done": item.words is not None, "words": item.words,
                         "worker": item.worker})
