"""What the API shows of each record: flat rows of codes, names and amounts, as a BI tool
wants them. Money is a string with two decimals ("1234.50"), never a float; percentages and
scores keep their four decimals."""

from rest_framework import serializers

from budgets.ledger import from_cents
from budgets.models import (
    AllocationLine,
    AllocationPlan,
    BudgetLine,
    LedgerEntry,
    LumpSumGrant,
    PartnerBudget,
)
from budgets.realisation import periods
from budgets.realisation.models import PartnerRealisation, Period, RealisationLine
from cooperatie.evaluation.models import Indicator, Measurement
from cooperatie.governance.models import Decision
from cooperatie.models import Cooperative


def Money(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True,
                                    **kwargs)


def Figure(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=4, coerce_to_string=True,
                                    allow_null=True, **kwargs)


def Code(source: str, **kwargs):
    return serializers.CharField(source=source, allow_null=True, **kwargs)


class CooperativeSerializer(serializers.ModelSerializer):
    years = serializers.SerializerMethodField()

    class Meta:
        model = Cooperative
        fields = ["code", "name", "municipality", "years"]

    def get_years(self, obj) -> list[int]:
        return sorted(r.year for r in obj.budget_rounds.all())


class LedgerEntrySerializer(serializers.ModelSerializer):
    transaction = serializers.IntegerField(source="transaction_id")
    transaction_kind = serializers.CharField(source="transaction.kind")
    posted_at = serializers.DateTimeField(source="transaction.posted_at")
    posted_by = serializers.SerializerMethodField()
    description = serializers.CharField(source="transaction.description")
    reason = serializers.CharField(source="transaction.reason")
    period = serializers.SerializerMethodField()
    partner = Code("organisation.code")
    partner_name = Code("organisation.name")
    neighbourhood = Code("neighbourhood.code")
    neighbourhood_name = Code("neighbourhood.name")
    area = serializers.SerializerMethodField()
    funding_stream = Code("funding_stream.code")
    funding_stream_name = Code("funding_stream.name")
    team = Code("team.code")
    team_name = Code("team.name")
    amount = Money()

    class Meta:
        model = LedgerEntry
        fields = ["id", "transaction", "transaction_kind", "posted_at", "posted_by",
                  "description", "reason", "year", "period", "kind", "partner", "partner_name",
                  "neighbourhood", "neighbourhood_name", "area", "funding_stream",
                  "funding_stream_name", "team", "team_name", "amount"]

    def get_posted_by(self, obj) -> str:
        user = obj.transaction.posted_by
        return user.get_full_name() or user.username

    def get_period(self, obj) -> str | None:
        if obj.period is None:
            return None
        return periods.PeriodRef(obj.year, obj.period.kind, obj.period.number).code

    def get_area(self, obj) -> str | None:
        place = obj.neighbourhood or obj.team
        return place.area.code if place else None


class BudgetSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="budget_round.year")
    partner = serializers.CharField(source="organisation.code")
    partner_name = serializers.CharField(source="organisation.name")
    total = serializers.SerializerMethodField()

    class Meta:
        model = PartnerBudget
        fields = ["id", "year", "partner", "partner_name", "status", "version", "submitted_at",
                  "total"]

    def get_total(self, obj) -> str:
        return str(from_cents(obj.line_cents))


class BudgetLineSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="budget.budget_round.year")
    status = serializers.CharField(source="budget.status")
    partner = serializers.CharField(source="budget.organisation.code")
    neighbourhood = serializers.CharField(source="neighbourhood.code")
    neighbourhood_name = serializers.CharField(source="neighbourhood.name")
    funding_stream = serializers.CharField(source="funding_stream.code")
    amount = Money()

    class Meta:
        model = BudgetLine
        fields = ["id", "budget", "year", "status", "partner", "neighbourhood",
                  "neighbourhood_name", "funding_stream", "amount", "note"]


class PeriodSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="budget_round.year")
    code = serializers.CharField()
    label = serializers.CharField()
    start = serializers.DateField(source="ref.start")
    end = serializers.DateField(source="ref.end")

    class Meta:
        model = Period
        fields = ["id", "year", "code", "kind", "number", "label", "start", "end", "status"]


class RealisationSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="period.budget_round.year")
    period = serializers.CharField(source="period.code")
    partner = serializers.CharField(source="organisation.code")
    partner_name = serializers.CharField(source="organisation.name")
    total = serializers.SerializerMethodField()

    class Meta:
        model = PartnerRealisation
        fields = ["id", "year", "period", "partner", "partner_name", "status", "version",
                  "submitted_at", "total"]

    def get_total(self, obj) -> str:
        return str(from_cents(obj.line_cents))


class RealisationLineSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="realisation.period.budget_round.year")
    period = serializers.CharField(source="realisation.period.code")
    status = serializers.CharField(source="realisation.status")
    partner = serializers.CharField(source="realisation.organisation.code")
    neighbourhood = serializers.CharField(source="neighbourhood.code")
    neighbourhood_name = serializers.CharField(source="neighbourhood.name")
    funding_stream = serializers.CharField(source="funding_stream.code")
    amount = Money()

    class Meta:
        model = RealisationLine
        fields = ["id", "realisation", "year", "period", "status", "partner", "neighbourhood",
                  "neighbourhood_name", "funding_stream", "amount", "note"]


class GrantSerializer(serializers.ModelSerializer):
    funder = Code("funder.code")
    funder_name = serializers.CharField(source="funder_label")
    funding_stream = serializers.CharField(source="funding_stream.code")
    amount = Money()

    class Meta:
        model = LumpSumGrant
        fields = ["id", "year", "funder", "funder_name", "funding_stream", "amount",
                  "description"]


class AllocationLineSerializer(serializers.ModelSerializer):
    partner = serializers.CharField(source="organisation.code")
    partner_name = serializers.CharField(source="organisation.name")
    neighbourhood = Code("neighbourhood.code")
    amount = Money()

    class Meta:
        model = AllocationLine
        fields = ["partner", "partner_name", "neighbourhood", "amount"]


class PlanSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="grant.year")
    decision = serializers.SerializerMethodField()
    total = Money(source="grant.amount")
    lines = AllocationLineSerializer(many=True)

    class Meta:
        model = AllocationPlan
        fields = ["id", "grant", "year", "version", "supersedes", "status", "method",
                  "schedule", "decision", "total", "lines"]

    def get_decision(self, obj) -> str | None:
        decision = getattr(obj.proposal, "decision", None) if obj.proposal_id else None
        return decision.number if decision else None


class DecisionSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="proposal.title")
    kind = serializers.CharField(source="proposal.kind")

    class Meta:
        model = Decision
        fields = ["id", "number", "year", "decided_on", "kind", "title", "outcome",
                  "votes_for", "votes_against", "votes_abstain", "votes_conflicted", "seated",
                  "quorum_reached", "majority_reached", "four_eyes_met", "closure",
                  "explanation", "reasons"]


class IndicatorSerializer(serializers.ModelSerializer):
    target = Figure()
    tolerance = Figure()
    baseline = Figure()

    class Meta:
        model = Indicator
        fields = ["id", "code", "name", "aim", "unit", "direction", "method", "target",
                  "tolerance", "baseline", "baseline_year", "first_year", "last_year"]


class MeasurementSerializer(serializers.ModelSerializer):
    """A value based on fewer respondents than MIN_RESPONDENTS is never shown, as on screen:
    `suppressed` is true and the value and its counts are null."""

    indicator = serializers.CharField(source="indicator.code")
    area = Code("area.code")
    neighbourhood = Code("neighbourhood.code")
    team = Code("team.code")
    value = serializers.SerializerMethodField()
    suppressed = serializers.BooleanField()

    class Meta:
        model = Measurement
        fields = ["id", "indicator", "year", "period", "scope", "area", "neighbourhood", "team",
                  "value", "respondents", "count_improved", "count_stable", "count_declined",
                  "suppressed", "note"]

    def get_value(self, obj) -> str | None:
        result = None if obj.suppressed else obj.result
        return None if result is None else f"{result:.4f}"

    def to_representation(self, obj):
        data = super().to_representation(obj)
        if obj.suppressed:
            for field in ("respondents", *Measurement.PARTS):
                data[field] = None
        return data
