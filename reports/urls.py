from django.urls import path

from . import views

urlpatterns = [
    path("", views.exports, name="exports"),
    path("<int:job_id>/status/", views.export_status, name="export_status"),
    path("<int:job_id>/download/", views.export_download, name="export_download"),
]
