"""Signing in, password reset, invitations and one's own account (not under a cooperative)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("inloggen/", views.SignInView.as_view(), name="login"),
    path("inloggen/code/", views.sign_in_code, name="sign_in_code"),
    path("wachtwoord-vergeten/", views.ResetView.as_view(), name="password_reset"),
    path("wachtwoord-vergeten/verstuurd/", auth_views.PasswordResetDoneView.as_view(
        template_name="people/password_reset_done.html"), name="password_reset_done"),
    path("wachtwoord-vergeten/<uidb64>/<token>/", views.ResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("wachtwoord-vergeten/klaar/", auth_views.PasswordResetCompleteView.as_view(
        template_name="people/password_reset_complete.html"), name="password_reset_complete"),
    path("uitnodiging/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("account/", views.account, name="account"),
    path("account/tweestaps/", views.two_factor_setup, name="two_factor_setup"),
    path("account/tweestaps/uit/", views.two_factor_remove, name="two_factor_remove"),
]
