"""The administrator's people pages, under /c/<code>/mensen/."""

from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.people_list, name="list"),
    path("uitnodigen/", views.person_invite, name="invite"),
    path("aanmeldregel/", views.sign_in_rule, name="sign_in_rule"),
    path("<int:user_id>/", views.person_detail, name="person"),
    path("<int:user_id>/rol/", views.person_role_add, name="role_add"),
    path("<int:user_id>/rol/weg/", views.person_role_remove, name="role_remove"),
    path("<int:user_id>/actief/", views.person_active, name="active"),
    path("<int:user_id>/ontgrendelen/", views.person_unlock, name="unlock"),
    path("<int:user_id>/opnieuw-uitnodigen/", views.person_resend, name="resend"),
]
