from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .governance.models import Decision, Proposal, Vote
from .models import (
    Area,
    BoardSeat,
    Cooperative,
    CooperativeRole,
    Expertise,
    Indicator,
    Measurement,
    Membership,
    Neighbourhood,
    Population,
    Team,
)

admin.site.site_header = "Samen begroten · beheer"
admin.site.site_title = "Samen begroten"


def application_administrator_only(request) -> bool:
    """The admin is the application administrator's (the superuser): a cooperative's
    administrator manages its people in the product (cooperatie/people/), where the policy,
    the reasons and the no-self-grant rule apply."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = application_administrator_only


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """For records that change only through the product's own pages and services (so that
    permission, validation, the ledger and the history can't be skipped): shown, not edited."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AppendOnlyAdmin(ReadOnlyAdmin):
    """For the ledger: its rows never change, so they have no history table. The history page
    says so, instead of asking django-simple-history for a table that is not there."""

    object_history_template = "admin/append_only_history.html"

    def history_view(self, request, object_id, extra_context=None):
        return admin.ModelAdmin.history_view(self, request, object_id, extra_context)


class PopulationInline(admin.TabularInline):
    model = Population
    extra = 1


@admin.register(Cooperative)
class CooperativeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "municipality"]
    search_fields = ["code", "name"]


@admin.register(Area)
class AreaAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "cooperative"]
    list_filter = ["cooperative"]
    search_fields = ["code", "name"]


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "area", "cooperative"]
    list_filter = ["cooperative", "area"]
    list_select_related = ["area", "cooperative"]
    search_fields = ["code", "name"]
    inlines = [PopulationInline]


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "area", "cooperative"]
    list_filter = ["cooperative", "kind"]
    list_select_related = ["area", "cooperative"]
    filter_horizontal = ["neighbourhoods"]
    search_fields = ["code", "name"]


@admin.register(Expertise)
class ExpertiseAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "cooperative", "valid_from", "valid_to", "voting_weight"]
    list_filter = ["cooperative"]
    list_select_related = ["organisation", "cooperative"]


@admin.register(BoardSeat)
class BoardSeatAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "organisation", "cooperative", "valid_from", "valid_to",
                    "may_close_early"]
    list_filter = ["cooperative", "role"]
    list_select_related = ["user", "organisation", "cooperative"]


@admin.register(CooperativeRole)
class CooperativeRoleAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "cooperative"]
    list_filter = ["cooperative", "role"]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "aim", "unit", "direction", "target", "cooperative"]
    list_filter = ["cooperative", "aim", "method"]
    list_select_related = ["cooperative"]
    search_fields = ["code", "name"]


@admin.register(Measurement)
class MeasurementAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "scope", "year", "period", "value", "respondents"]
    list_filter = ["indicator__cooperative", "scope", "year"]
    list_select_related = ["indicator", "area", "neighbourhood", "team"]
    raw_id_fields = ["indicator", "area", "neighbourhood", "team"]


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ["title", "cooperative", "status", "opened_at", "closed_at"]
    list_filter = ["cooperative", "status"]


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ["proposal", "user", "choice", "conflict_of_interest", "cast_at"]
    list_select_related = ["proposal", "user"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["number", "cooperative", "decided_on", "outcome", "votes_for",
                    "votes_against", "votes_abstain", "votes_conflicted"]
    list_filter = ["cooperative", "outcome"]
