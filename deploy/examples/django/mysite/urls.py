from django.contrib import admin
from django.urls import path

from notes import views

urlpatterns = [
    path("", views.index, name="index"),
    path("health", views.health, name="health"),
    path("version", views.version, name="version"),
    path("admin/", admin.site.urls),
]
