from django.urls import path

from . import views

urlpatterns = [
    path("", views.tokens, name="api_tokens"),
    path("<int:token_id>/intrekken/", views.token_revoke, name="api_token_revoke"),
]
