from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("voorstel/<int:pk>/", views.proposal_detail, name="proposal"),
    path("voorstel/<int:pk>/stemmen/", views.vote, name="vote"),
    path("voorstel/<int:pk>/stand/", views.standing, name="standing"),
    path("voorstel/<int:pk>/sluiten/", views.close, name="close"),
    path("voorstel/<int:pk>/overwegingen/", views.record_reasons, name="reasons"),
]
