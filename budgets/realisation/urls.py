from django.urls import path

from . import views

app_name = "realisation"

urlpatterns = [
    path("", views.index, name="index"),
    path("perioden/indelen/", views.plan, name="plan"),
    path("perioden/<int:pk>/openen/", views.period_open, name="period_open"),
    path("perioden/<int:pk>/sluiten/", views.period_close, name="period_close"),
    path("invullen/", views.grid, name="grid"),
    path("corrigeren/", views.correct, name="correct"),
    path("sjabloon.xlsx", views.template, name="template"),
    path("uploaden/", views.upload, name="upload"),
    path("uploaden/bevestigen/", views.upload_confirm, name="upload_confirm"),
    path("begroting-realisatie/", views.overview, name="overview"),
    path("instellingen/", views.settings_page, name="settings"),
    path("partner/<slug:org>/", views.detail, name="detail"),
    path("partner/<slug:org>/heropenen/", views.reopen, name="reopen"),
    path("partner/<slug:org>/historie/", views.history, name="history"),
]
