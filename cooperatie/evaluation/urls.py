from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("", views.scorecard, name="scorecard"),
    path("indicatoren/", views.indicator_list, name="indicators"),
    path("indicatoren/nieuw/", views.indicator_edit, name="indicator_create"),
    path("indicatoren/<int:pk>/", views.indicator_edit, name="indicator_edit"),
    path("streefwaarden/", views.target_sets, name="target_sets"),
    path("streefwaarden/<int:pk>/", views.target_set_detail, name="target_set"),
    path("streefwaarden/<int:pk>/voorleggen/", views.target_set_propose,
         name="target_set_propose"),
    path("metingen/", views.measurement_list, name="measurements"),
    path("metingen/nieuw/", views.measurement_create, name="measurement_create"),
    path("metingen/<int:pk>/", views.measurement_edit, name="measurement_edit"),
    path("metingen/<int:pk>/verwijderen/", views.measurement_delete, name="measurement_delete"),
    path("metingen/sjabloon/", views.measurement_template, name="template"),
    path("metingen/upload/", views.measurement_upload, name="upload"),
]
