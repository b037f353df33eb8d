from django.urls import path

from . import views

urlpatterns = [
    path("", views.round_overview, name="budget_round"),
    path("ronde/openen/", views.round_open, name="round_open"),
    path("ronde/<int:year>/sluiten/", views.round_close, name="round_close"),
    path("ronde/<int:year>/deadline/", views.round_deadline, name="round_deadline"),
    path("ronde/<int:year>/herinneren/", views.round_remind, name="round_remind"),
    path("invullen/", views.budget_grid, name="budget_grid"),
    path("sjabloon.xlsx", views.budget_template, name="budget_template"),
    path("uploaden/", views.budget_upload, name="budget_upload"),
    path("uploaden/controleren/", views.budget_upload_preview, name="budget_upload_preview"),
    path("uploaden/wijzigingen.xlsx", views.budget_upload_changes, name="budget_upload_changes"),
    path("uploaden/bevestigen/", views.budget_upload_confirm, name="budget_upload_confirm"),
    path("uploaden/annuleren/", views.budget_upload_cancel, name="budget_upload_cancel"),
    path("indienen/", views.budget_submit, name="budget_submit"),
    path("vorig-jaar/", views.budget_from_last_year, name="budget_from_last_year"),
    path("gebundeld/", views.pooled, name="pooled"),
    path("partner/<slug:org>/", views.budget_detail, name="budget_detail"),
    path("partner/<slug:org>/heropenen/", views.budget_reopen, name="budget_reopen"),
    path("partner/<slug:org>/historie/", views.budget_history, name="budget_history"),
]
