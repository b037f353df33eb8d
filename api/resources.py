"""The read API: one list per resource, per cooperative (`/api/cooperatives/<code>/…`).

Every list asks the same policy as the pages: not a member of the cooperative → 404; a member
without the right → 403; records with a rule of their own (budgets, realisations, plans:
drafts stay private) are checked one by one with `policy.allowed`, and their lines follow the
records that passed. Read-only: GET only.
"""

from django.db.models import Prefetch
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import generics, permissions
from rest_framework.authentication import SessionAuthentication
from rest_framework.renderers import JSONRenderer

from budgets.ledger import cents_sum
from budgets.models import (
    AllocationLine,
    AllocationPlan,
    BudgetLine,
    LedgerEntry,
    LumpSumGrant,
    PartnerBudget,
)
from budgets.realisation.models import PartnerRealisation, Period, RealisationLine
from cooperatie import policy
from cooperatie.evaluation.models import Indicator, Measurement
from cooperatie.governance.models import Decision, Proposal
from cooperatie.models import Cooperative
from cooperatie.selectors import cooperative_for

from . import filters as f
from . import serializers as s
from .authentication import BearerTokenAuthentication
from .pagination import ById
from .throttling import PerTokenThrottle


class FilterSchema(AutoSchema):
    """Documents each list's filters as query parameters."""

    def get_override_parameters(self):
        params = [OpenApiParameter(
            flt.param, int if flt.kind == "integer" else str, OpenApiParameter.QUERY,
            description=flt.description, enum=list(flt.choices) or None)
            for flt in getattr(self.view, "filters", ())]
        return [*super().get_override_parameters(), *params]


class ApiView(generics.ListAPIView):
    authentication_classes = [BearerTokenAuthentication, SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [JSONRenderer]
    throttle_classes = [PerTokenThrottle]
    pagination_class = ById
    schema = FilterSchema()


class Cooperatives(ApiView):
    """The cooperatives you have a role in, with their budget years."""

    serializer_class = s.CooperativeSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Cooperative.objects.none()
        return policy.cooperatives_for(self.request.user).prefetch_related("budget_rounds")


class CooperativeList(ApiView):
    """A list within one cooperative: `rule` is what the user must be allowed on it."""

    rule = "cooperative.view"
    filters: tuple = ()

    @property
    def cooperative(self) -> Cooperative:
        if not hasattr(self, "_cooperative"):
            self._cooperative = cooperative_for(self.request.user, self.kwargs["code"])
            policy.ensure(self.request.user, self.rule, self._cooperative)
        return self._cooperative

    def get_queryset(self):
        model = self.get_serializer_class().Meta.model
        if getattr(self, "swagger_fake_view", False):
            return model.objects.none()
        rows = self.rows(self.cooperative)
        return f.apply(self.filters, rows, self.cooperative, self.request.query_params)

    def rows(self, cooperative):
        raise NotImplementedError

    def visible(self, action: str, queryset) -> list[int]:
        """Ids of the records in `queryset` the user may `action`, one by one by the policy."""
        user = self.request.user
        return [obj.pk for obj in queryset if policy.allowed(user, action, obj)]


class LedgerEntries(CooperativeList):
    """Every entry of the shared ledger (append-only): submitted budgets, in-kind staff,
    lump sums, allocations, realisation and their reversals. The sum of `amount` over a year
    equals the ledger report's total to the cent."""

    rule = "ledger.view"
    serializer_class = s.LedgerEntrySerializer
    filters = (f.year(), f.period(), f.partner(), f.neighbourhood(), f.stream(),
               f.kind("kind", LedgerEntry.Kind.choices, "Soort regel."))

    def rows(self, cooperative):
        return LedgerEntry.objects.filter(cooperative=cooperative).select_related(
            "transaction__posted_by", "organisation", "neighbourhood__area", "funding_stream",
            "team__area", "period")


class Budgets(CooperativeList):
    """Partner budgets with their totals. Drafts only for their own organisation and the
    board, as on screen."""

    serializer_class = s.BudgetSerializer
    filters = (f.year("budget_round__year"), f.partner())

    def rows(self, cooperative):
        budgets = PartnerBudget.objects.filter(budget_round__cooperative=cooperative)
        ids = self.visible("budget.view", budgets.select_related("budget_round__cooperative"))
        return (PartnerBudget.objects.filter(pk__in=ids).annotate(line_cents=cents_sum(
            "lines__amount")).select_related("budget_round", "organisation"))


class BudgetLines(CooperativeList):
    """Budget lines (neighbourhood × funding stream) of the budgets you may see."""

    serializer_class = s.BudgetLineSerializer
    filters = (f.year("budget__budget_round__year"), f.partner("budget__organisation"),
               f.neighbourhood(), f.stream())

    def rows(self, cooperative):
        budgets = PartnerBudget.objects.filter(budget_round__cooperative=cooperative)
        ids = self.visible("budget.view", budgets.select_related("budget_round__cooperative"))
        return BudgetLine.objects.filter(budget__in=ids).select_related(
            "budget__budget_round", "budget__organisation", "neighbourhood", "funding_stream")


class Periods(CooperativeList):
    """The realisation periods of each year (months or quarters) and whether they are open."""

    rule = "realisation.overview"
    serializer_class = s.PeriodSerializer
    filters = (f.year("budget_round__year"),)

    def rows(self, cooperative):
        return Period.objects.filter(budget_round__cooperative=cooperative).select_related(
            "budget_round")


def _realisations(view, cooperative) -> list[int]:
    found = PartnerRealisation.objects.filter(
        period__budget_round__cooperative=cooperative).select_related(
        "period__budget_round__cooperative")
    return view.visible("realisation.view", found)


class Realisations(CooperativeList):
    """Each partner's realisation per period, with its total. Drafts only for their own
    organisation, the board and the cooperative's finance."""

    rule = "realisation.overview"
    serializer_class = s.RealisationSerializer
    filters = (f.year("period__budget_round__year"), f.period(), f.partner())

    def rows(self, cooperative):
        return (PartnerRealisation.objects.filter(pk__in=_realisations(self, cooperative))
                .annotate(line_cents=cents_sum("lines__amount"))
                .select_related("period__budget_round", "organisation"))


class RealisationLines(CooperativeList):
    """What was spent per neighbourhood × funding stream × period."""

    rule = "realisation.overview"
    serializer_class = s.RealisationLineSerializer
    filters = (f.year("realisation__period__budget_round__year"), f.period("realisation__period"),
               f.partner("realisation__organisation"), f.neighbourhood(), f.stream())

    def rows(self, cooperative):
        return RealisationLine.objects.filter(
            realisation__in=_realisations(self, cooperative)).select_related(
            "realisation__period__budget_round", "realisation__organisation", "neighbourhood",
            "funding_stream")


class Grants(CooperativeList):
    """Lump sums granted by funders."""

    rule = "allocation.view"
    serializer_class = s.GrantSerializer
    filters = (f.year(), f.stream())

    def rows(self, cooperative):
        return LumpSumGrant.objects.filter(cooperative=cooperative).select_related(
            "funder", "funding_stream")


class Plans(CooperativeList):
    """Allocation plans of the lump sums, every version, with what each partner gets. Drafts
    only for the board and finance."""

    rule = "allocation.view"
    serializer_class = s.PlanSerializer
    filters = (f.year("grant__year"),
               f.kind("status", AllocationPlan.Status.choices, "Status van de verdeling."))

    def rows(self, cooperative):
        plans = AllocationPlan.objects.filter(grant__cooperative=cooperative).select_related(
            "grant__cooperative")
        lines = AllocationLine.objects.select_related("organisation", "neighbourhood").order_by(
            "organisation__code", "neighbourhood__code")
        return (AllocationPlan.objects.filter(pk__in=self.visible("plan.view", plans))
                .select_related("grant", "proposal__decision")
                .prefetch_related(Prefetch("lines", queryset=lines)))


class Decisions(CooperativeList):
    """The decision register: numbered decisions with their votes."""

    rule = "decision.view"
    serializer_class = s.DecisionSerializer
    filters = (f.year(), f.kind("proposal__kind", Proposal.Kind.choices, "Soort besluit."))

    def rows(self, cooperative):
        return Decision.objects.filter(cooperative=cooperative).select_related("proposal")


class Indicators(CooperativeList):
    """The quadruple-aim indicators with their targets."""

    serializer_class = s.IndicatorSerializer
    filters = (f.kind("aim", Indicator.Aim.choices, "Doel (quadruple aim)."),)

    def rows(self, cooperative):
        return Indicator.objects.filter(cooperative=cooperative)


class Measurements(CooperativeList):
    """Measured values per indicator, scope and period. A value based on fewer respondents
    than the minimum (MIN_RESPONDENTS) is suppressed, as on screen."""

    serializer_class = s.MeasurementSerializer
    filters = (f.year(), f.neighbourhood(),
               f.kind("scope", Measurement.Scope.choices, "Niveau van de meting."))

    def rows(self, cooperative):
        return Measurement.objects.filter(indicator__cooperative=cooperative).select_related(
            "indicator", "area", "neighbourhood", "team")
