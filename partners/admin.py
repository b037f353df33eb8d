from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

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


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """Needs and commitments change through their pages (services: permission, round and
    budget status, history with a reason), so the admin only shows them and their history."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TeamNeed)
class TeamNeedAdmin(ReadOnlyHistoryAdmin):
    list_display = ["budget_round", "team", "expertise", "fte"]
    list_filter = ["budget_round__cooperative", "budget_round__year", "expertise"]
    list_select_related = ["budget_round__cooperative", "team", "expertise"]
    search_fields = ["team__code", "team__name"]


@admin.register(StaffCommitment)
class StaffCommitmentAdmin(ReadOnlyHistoryAdmin):
    list_display = ["budget_round", "organisation", "team", "expertise", "fte", "annual_cost",
                    "period_start", "period_end"]
    list_filter = ["budget_round__cooperative", "budget_round__year", "expertise"]
    list_select_related = ["budget_round__cooperative", "organisation", "team", "expertise"]
    search_fields = ["organisation__code", "organisation__name", "team__code"]
