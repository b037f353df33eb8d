from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .governance import views as governance_views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("", include("cooperatie.people.account_urls")),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    # Our own templates: the admin's registration/ templates would otherwise win.
    path("wachtwoord/", auth_views.PasswordChangeView.as_view(
        template_name="cooperatie/password_change_form.html"), name="password_change"),
    path("wachtwoord/gewijzigd/", auth_views.PasswordChangeDoneView.as_view(
        template_name="cooperatie/password_change_done.html"), name="password_change_done"),
    path("taal/", include("django.conf.urls.i18n")),
    path("c/<slug:code>/", views.cooperative_home, name="cooperative_home"),
    path("c/<slug:code>/structuur/", views.structure, name="structure"),
    path("c/<slug:code>/begroting/", include("budgets.urls")),
    path("c/<slug:code>/exports/", include("reports.urls")),
    path("c/<slug:code>/evaluatie/", include("cooperatie.evaluation.urls")),
    path("c/<slug:code>/inzet/", include("partners.urls")),
    path("c/<slug:code>/verdeling/", include("budgets.allocation.urls")),
    path("c/<slug:code>/realisatie/", include("budgets.realisation.urls")),
    path("c/<slug:code>/vaststelling/", include("budgets.settlement.urls")),
    path("c/<slug:code>/boekhouding/", include("budgets.accounting.urls")),
    path("c/<slug:code>/besluiten/", governance_views.register, name="decision_register"),
    path("c/<slug:code>/besluiten/", include("cooperatie.governance.urls")),
    path("", include("cooperatie.setup.urls")),
    path("c/<slug:code>/mensen/", include("cooperatie.people.urls")),
    path("meldingen/", include("cooperatie.notifications.urls")),
    path("api/", include("api.urls")),
    path("api-sleutels/", include("api.page_urls")),
    path("beheer/", admin.site.urls),
]
