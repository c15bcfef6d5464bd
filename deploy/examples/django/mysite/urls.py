from django.contrib import admin
from django.urls import path

from notes import views

urlpatterns = [
    path("", views.index, name="index"),
    path("health", views.health, name="health"),
    path("version", views.version, name="version"),
    path("uploads", views.upload, name="upload"),
    path("uploads/<int:pk>", views.download, name="download"),
    path("jobs", views.enqueue, name="enqueue"),
    path("jobs/<int:pk>", views.job, name="job"),
    path("admin/", admin.site.urls),
]
