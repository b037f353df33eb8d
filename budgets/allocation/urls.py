from django.urls import path

from . import views

app_name = "allocation"

urlpatterns = [
    path("", views.index, name="index"),
    path("lumpsum/nieuw/", views.grant_create, name="grant_create"),
    path("lumpsum/<int:pk>/", views.grant_detail, name="grant"),
    path("lumpsum/<int:pk>/verdeling/", views.plan_draft, name="plan_draft"),
    path("verdeling/<int:pk>/", views.plan_detail, name="plan"),
    path("verdeling/<int:pk>/voorbeeld/", views.plan_preview, name="plan_preview"),
    path("verdeling/<int:pk>/voorleggen/", views.plan_propose, name="plan_propose"),
    path("verdeling/<int:pk>/wijzigen/", views.plan_amend, name="plan_amend"),
    # Proposals moved to the board's own pages (cooperatie/governance/); old links still work.
    path("voorstel/<int:pk>/", views.proposal_moved),
]
