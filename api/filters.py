"""The API's query filters (year, period, partner, neighbourhood, stream, kind), each a code as
the pages and the workbooks show it, looked up within the cooperative. An unknown code is a
400 naming what was asked, never an empty list that looks like "nothing there"."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from budgets.models import FundingStream
from budgets.realisation import periods
from budgets.realisation.models import Period
from cooperatie.models import Cooperative, Neighbourhood
from partners.models import Organisation


class Unknown(ValueError):
    pass


@dataclass(frozen=True)
class Filter:
    param: str
    lookup: str  # the queryset lookup the resolved value is matched on
    resolve: Callable[[Cooperative, str], object]
    description: str
    kind: str = "string"  # for the schema: string or integer
    choices: Sequence[str] = ()

    def apply(self, queryset, cooperative, raw: str):
        return queryset.filter(**{self.lookup: self.resolve(cooperative, raw)})


def _year(cooperative, raw: str) -> int:
    if not raw.strip().isdigit() or not 2000 <= int(raw) <= 2100:
        raise Unknown(_("Een jaar is vier cijfers, zoals 2026; '%(raw)s' is geen jaar.")
                      % {"raw": raw})
    return int(raw)


def _period(cooperative, raw: str) -> int:
    ref = periods.parse_code(raw)
    found = ref and Period.objects.filter(
        budget_round__cooperative=cooperative, budget_round__year=ref.year, kind=ref.kind,
        number=ref.number).values_list("pk", flat=True).first()
    if not found:
        raise Unknown(_("Onbekende periode '%(raw)s' (een maand als 2026-03, een kwartaal als "
                        "2026-K1).") % {"raw": raw})
    return found


def _partner(cooperative, raw: str) -> int:
    found = Organisation.objects.filter(code=raw, memberships__cooperative=cooperative
                                        ).values_list("pk", flat=True).first()
    if not found:
        raise Unknown(_("Onbekende partner '%(raw)s'.") % {"raw": raw})
    return found


def _neighbourhood(cooperative, raw: str) -> int:
    found = Neighbourhood.objects.filter(cooperative=cooperative, code=raw
                                         ).values_list("pk", flat=True).first()
    if not found:
        raise Unknown(_("Onbekende buurtcode '%(raw)s'.") % {"raw": raw})
    return found


def _stream(cooperative, raw: str) -> int:
    found = FundingStream.objects.filter(cooperative=cooperative, code=raw
                                         ).values_list("pk", flat=True).first()
    if not found:
        raise Unknown(_("Onbekende financieringsstroom '%(raw)s'.") % {"raw": raw})
    return found


def year(lookup: str = "year") -> Filter:
    return Filter("year", lookup, _year, "Jaar, bijvoorbeeld 2026.", kind="integer")


def period(lookup: str = "period") -> Filter:
    return Filter("period", lookup, _period,
                  "Periode: een maand als 2026-03 of een kwartaal als 2026-K1.")


def partner(lookup: str = "organisation") -> Filter:
    return Filter("partner", lookup, _partner, "Code van een partner.")


def neighbourhood(lookup: str = "neighbourhood") -> Filter:
    return Filter("neighbourhood", lookup, _neighbourhood, "Buurtcode, bijvoorbeeld BU06260101.")


def stream(lookup: str = "funding_stream") -> Filter:
    return Filter("stream", lookup, _stream, "Code van een financieringsstroom.")


def kind(lookup: str, choices, description: str) -> Filter:
    values = tuple(value for value, _label in choices)

    def resolve(cooperative, raw: str) -> str:
        if raw not in values:
            raise Unknown(_("Onbekende soort '%(raw)s'; kies uit: %(choices)s.")
                          % {"raw": raw, "choices": ", ".join(values)})
        return raw

    return Filter("kind", lookup, resolve, description, choices=values)


def apply(filters: Sequence[Filter], queryset, cooperative, params):
    errors = {}
    for f in filters:
        raw = params.get(f.param)
        if raw is None or raw == "":
            continue
        try:
            queryset = f.apply(queryset, cooperative, raw)
        except Unknown as exc:
            errors[f.param] = [str(exc)]
    if errors:
        raise ValidationError(errors)
    return queryset
