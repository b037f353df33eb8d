from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("voorstellen/", views.index, name="index"),
    path("voorstellen/nieuw/", views.proposal_new, name="new"),
    path("voorstel/<int:pk>/tekst/", views.proposal_edit, name="edit"),
    path("voorstel/<int:pk>/bijlagen/", views.document_upload, name="document_upload"),
    path("voorstel/<int:pk>/bijlagen/<int:document_pk>/verwijderen/", views.document_remove,
         name="document_remove"),
    path("voorstel/<int:pk>/voorleggen/", views.proposal_open, name="open"),
    path("voorstel/<int:pk>/nieuwe-versie/", views.proposal_new_version, name="new_version"),
    path("bijlage/<int:pk>/", views.document_download, name="document"),
    path("machtigingen/", views.proxies, name="proxies"),
    path("machtigingen/<int:pk>/intrekken/", views.proxy_revoke, name="proxy_revoke"),
    path("machtigingen/<int:pk>/document/", views.proxy_document, name="proxy_document"),
    path("voorstel/<int:pk>/", views.proposal_detail, name="proposal"),
    path("voorstel/<int:pk>/stemmen/", views.vote, name="vote"),
    path("voorstel/<int:pk>/belangenconflict/", views.conflict, name="conflict"),
    path("voorstel/<int:pk>/stand/", views.standing, name="standing"),
    path("voorstel/<int:pk>/reactie/", views.comment, name="comment"),
    path("voorstel/<int:pk>/sluiten/", views.close, name="close"),
    path("voorstel/<int:pk>/overwegingen/", views.record_reasons, name="reasons"),
    path("voorstel/<int:pk>/besluit/", views.decision_print, name="decision_print"),
]
