from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cooperatie.admin import ReadOnlyAdmin

from .models import Organisation, OrganisationRole, StaffCommitment, TeamNeed


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "kvk_number"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "kvk_number"]


@admin.register(OrganisationRole)
class OrganisationRoleAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "organisation"]
    list_filter = ["role"]
    list_select_related = ["user", "organisation"]


@admin.register(TeamNeed)
class TeamNeedAdmin(ReadOnlyAdmin):
    list_display = ["budget_round", "team", "expertise", "fte"]
    list_filter = ["budget_round__cooperative", "budget_round__year", "expertise"]
    list_select_related = ["budget_round__cooperative", "team", "expertise"]
    search_fields = ["team__code", "team__name"]


@admin.register(StaffCommitment)
class StaffCommitmentAdmin(ReadOnlyAdmin):
    list_display = ["budget_round", "organisation", "team", "expertise", "fte", "annual_cost",
                    "period_start", "period_end"]
    list_filter = ["budget_round__cooperative", "budget_round__year", "expertise"]
    list_select_related = ["budget_round__cooperative", "organisation", "team", "expertise"]
    search_fields = ["organisation__code", "organisation__name", "team__code"]
