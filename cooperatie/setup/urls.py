from django.urls import path

from . import views

app_name = "setup"

urlpatterns = [
    path("c/<slug:code>/inrichting/", views.index, name="index"),
    path("c/<slug:code>/inrichting/werkboek/", views.workbook, name="workbook"),
    path("c/<slug:code>/inrichting/werkboek/upload/", views.structure_upload, name="upload"),
    path("c/<slug:code>/inrichting/werkboek/bevestigen/", views.structure_confirm,
         name="confirm"),
    path("c/<slug:code>/inrichting/inwoners/", views.cbs_upload, name="cbs"),
    path("c/<slug:code>/inrichting/inwoners/bevestigen/", views.cbs_confirm,
         name="cbs_confirm"),
    path("c/<slug:code>/inrichting/geschiedenis/", views.history, name="history"),
    path("inrichting/nieuw/", views.new, name="new"),
    path("inrichting/nieuw/werkboek/", views.new_workbook, name="new_workbook"),
    path("inrichting/nieuw/upload/", views.new_upload, name="new_upload"),
    path("inrichting/nieuw/bevestigen/", views.new_confirm, name="new_confirm"),
]
