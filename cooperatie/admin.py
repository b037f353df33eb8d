from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Q
from simple_history.admin import SimpleHistoryAdmin

from partners.models import Organisation

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
from .scoping import cooperative_path, path_to

admin.site.site_header = "Samen begroten · beheer"
admin.site.site_title = "Samen begroten"


def application_administrator_only(request) -> bool:
    """The admin is the application administrator's (the superuser): a cooperative's
    administrator manages its people in the product (cooperatie/people/), where the policy,
    the reasons and the no-self-grant rule apply."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = application_administrator_only


def administered(request) -> list[int]:
    """Ids of the cooperatives the user administers (cached on the request); none for an
    anonymous visitor (the admin's sign-in page asks too)."""
    if not request.user.is_authenticated:
        return []
    if not hasattr(request, "_administered"):
        request._administered = list(CooperativeRole.objects.filter(
            user=request.user, role=CooperativeRole.Role.ADMINISTRATOR
        ).values_list("cooperative_id", flat=True))
    return request._administered


def scope(queryset, request):
    """What a cooperative's administrator may see of a model: their cooperatives' records.
    The application administrator (superuser) sees everything."""
    if request.user.is_superuser:
        return queryset
    model = queryset.model
    if model is get_user_model():  # their cooperatives' people, for the user pickers
        mine = administered(request)
        people = (Q(cooperative_roles__cooperative__in=mine) | Q(board_seats__cooperative__in=mine)
                  | Q(organisation_roles__organisation__memberships__cooperative__in=mine))
        return queryset.filter(pk__in=model.objects.filter(people).values("pk"))
    if model is Organisation:  # members, and new organisations not yet a member anywhere
        return queryset.filter(Q(memberships__cooperative__in=administered(request))
                               | Q(memberships__isnull=True)).distinct()
    path = cooperative_path(model)
    if path is None and path_to(model, Organisation, 1):
        organisations = scope(Organisation.objects.all(), request)
        return queryset.filter(**{f"{path_to(model, Organisation, 1)}__in": organisations})
    if path is None:
        return queryset
    return queryset.filter(**{f"{path}__in": administered(request)})


class CooperativeScopedAdmin(SimpleHistoryAdmin):
    """The admin for a cooperative's administrator: only their cooperatives' records, and only
    their cooperatives' records to choose from. The superuser configures everything."""

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request)

    def _administers(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return True
        if not administered(request):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request):
        return self._administers(request)

    def has_view_permission(self, request, obj=None):
        return self._administers(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._administers(request) and self.model is not Cooperative

    def has_change_permission(self, request, obj=None):
        return self._administers(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._administers(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", scope(db_field.related_model._default_manager.all(),
                                            request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", scope(db_field.related_model._default_manager.all(),
                                            request))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ReadOnlyAdmin(CooperativeScopedAdmin):
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


class GlobalCatalogueAdmin(SimpleHistoryAdmin):
    """Shared by every cooperative (expertises): administrators read, the superuser edits."""

    def has_module_permission(self, request):
        return request.user.is_superuser or bool(administered(request))

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)


class ScopedInline(admin.TabularInline):
    """Rows of a record its administrator already may change (the parent is scoped)."""

    def _administers(self, request) -> bool:
        return request.user.is_superuser or bool(administered(request))

    def has_view_permission(self, request, obj=None):
        return self._administers(request)

    def has_add_permission(self, request, obj=None):
        return self._administers(request)

    def has_change_permission(self, request, obj=None):
        return self._administers(request)

    def has_delete_permission(self, request, obj=None):
        return self._administers(request)


class PopulationInline(ScopedInline):
    model = Population
    extra = 1


@admin.register(Cooperative)
class CooperativeAdmin(CooperativeScopedAdmin):
    list_display = ["code", "name", "municipality"]
    search_fields = ["code", "name"]


@admin.register(Area)
class AreaAdmin(CooperativeScopedAdmin):
    list_display = ["code", "name", "cooperative"]
    list_filter = ["cooperative"]
    search_fields = ["code", "name"]


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(CooperativeScopedAdmin):
    list_display = ["code", "name", "area", "cooperative"]
    list_filter = ["cooperative", "area"]
    list_select_related = ["area", "cooperative"]
    search_fields = ["code", "name"]
    inlines = [PopulationInline]


@admin.register(Team)
class TeamAdmin(CooperativeScopedAdmin):
    list_display = ["code", "name", "kind", "area", "cooperative"]
    list_filter = ["cooperative", "kind"]
    list_select_related = ["area", "cooperative"]
    filter_horizontal = ["neighbourhoods"]
    search_fields = ["code", "name"]


@admin.register(Expertise)
class ExpertiseAdmin(GlobalCatalogueAdmin):
    list_display = ["code", "name"]


@admin.register(Membership)
class MembershipAdmin(CooperativeScopedAdmin):
    list_display = ["organisation", "cooperative", "valid_from", "valid_to", "voting_weight"]
    list_filter = ["cooperative"]
    list_select_related = ["organisation", "cooperative"]


@admin.register(BoardSeat)
class BoardSeatAdmin(CooperativeScopedAdmin):
    list_display = ["user", "role", "organisation", "cooperative", "valid_from", "valid_to",
                    "may_close_early"]
    list_filter = ["cooperative", "role"]
    list_select_related = ["user", "organisation", "cooperative"]


@admin.register(CooperativeRole)
class CooperativeRoleAdmin(CooperativeScopedAdmin):
    list_display = ["user", "role", "cooperative"]
    list_filter = ["cooperative", "role"]


@admin.register(Indicator)
class IndicatorAdmin(CooperativeScopedAdmin):
    list_display = ["code", "name", "aim", "unit", "direction", "target", "cooperative"]
    list_filter = ["cooperative", "aim", "method"]
    list_select_related = ["cooperative"]
    search_fields = ["code", "name"]


@admin.register(Measurement)
class MeasurementAdmin(CooperativeScopedAdmin):
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
