"""Staff availability, under /c/<code>/inzet/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.coverage_matrix, name="staff_matrix"),
    path("teams/", views.team_overview, name="staff_teams"),
    path("teams/<str:team>/", views.team_detail, name="staff_team"),
    path("teams/<str:team>/behoefte/", views.team_needs, name="staff_needs"),
    path("mijn/", views.my_commitments, name="staff_mine"),
    path("partner/<str:org>/", views.partner_commitments, name="staff_partner"),
    path("afspraak/<int:pk>/", views.commitment_edit, name="staff_commitment"),
    path("afspraak/<int:pk>/verwijderen/", views.commitment_delete,
         name="staff_commitment_delete"),
    path("natura/", views.in_kind, name="staff_in_kind"),
]
