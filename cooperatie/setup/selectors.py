"""Reads for setting up a cooperative: its structure as it is now, and its history."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budgets.models import FundingStream
from budgets.realisation.models import RealisationSettings
from partners.models import Organisation

from ..models import Area, Cooperative, Expertise, Membership, Neighbourhood, Population, Team
from ..templatetags.coop import person
from . import structure as s
from .services import field_label, field_text
from .structure import Structure


def current_structure(cooperative: Cooperative | None) -> Structure:
    """The structure as the workbook shows it (empty for a cooperative still to be made);
    each partner with its latest membership."""
    if cooperative is None:
        return Structure(s.CooperativeRow("", ""), [], [], [], [], [], _expertises())
    people: dict[int, dict[int, int]] = {}
    for hood_id, year, n in Population.objects.filter(
            neighbourhood__cooperative=cooperative).values_list(
            "neighbourhood_id", "year", "inhabitants"):
        people.setdefault(hood_id, {})[year] = n
    hoods = Neighbourhood.objects.filter(cooperative=cooperative).select_related("area")
    teams = (Team.objects.filter(cooperative=cooperative).select_related("area")
             .prefetch_related("neighbourhoods"))
    latest: dict[int, Membership] = {}
    for m in (Membership.objects.filter(cooperative=cooperative).select_related("organisation")
              .order_by("valid_from")):
        latest[m.organisation_id] = m
    return Structure(
        cooperative=s.CooperativeRow(cooperative.code, cooperative.name,
                                     cooperative.municipality),
        areas=[s.AreaRow(a.code, a.name)
               for a in Area.objects.filter(cooperative=cooperative).order_by("code")],
        neighbourhoods=[
            s.NeighbourhoodRow(h.code, h.name, h.area.code, h.ended_on, people.get(h.pk, {}))
            for h in hoods.order_by("area__code", "code")],
        teams=[s.TeamRow(t.code, t.name, t.kind, t.area.code,
                         sorted(h.code for h in t.neighbourhoods.all()), t.ended_on)
               for t in teams.order_by("area__code", "code")],
        partners=[s.PartnerRow(m.organisation.code, m.organisation.name,
                               m.organisation.kvk_number, m.organisation.kind, m.valid_from,
                               m.valid_to, m.voting_weight)
                  for m in sorted(latest.values(), key=lambda m: m.organisation.code)],
        streams=[s.StreamRow(f.code, f.name, f.law, f.taakveld)
                 for f in FundingStream.objects.filter(cooperative=cooperative).order_by("code")],
        expertises=_expertises(),
    )


def _expertises() -> list[s.ExpertiseRow]:
    return [s.ExpertiseRow(e.code, e.name) for e in Expertise.objects.order_by("code")]


def structure_counts(cooperative: Cooperative) -> dict[str, int]:
    today_members = Membership.objects.filter(cooperative=cooperative, valid_to__isnull=True)
    return {
        s.AREAS: cooperative.areas.count(),
        s.NEIGHBOURHOODS: cooperative.neighbourhoods.filter(ended_on__isnull=True).count(),
        s.TEAMS: cooperative.teams.filter(ended_on__isnull=True).count(),
        s.PARTNERS: today_members.values("organisation").distinct().count(),
        s.STREAMS: cooperative.funding_streams.count(),
        s.EXPERTISES: Expertise.objects.count(),
    }


# --- history --------------------------------------------------------------------------------


@dataclass
class HistoryEvent:
    when: datetime
    who: str
    what: str  # "buurt BU09170101 Hoensbroek-Centrum"
    action: str
    changes: list[tuple[str, str, str]]  # (field, old, new)
    reason: str


ACTIONS = {"+": gettext_lazy("aangemaakt"), "~": gettext_lazy("gewijzigd"),
           "-": gettext_lazy("verwijderd")}


# Settings that exist as defaults until first saved (their first record is a change of them).
SETTINGS_DEFAULTS = {RealisationSettings: ("period_kind", "warning_percent", "budget_to_date",
                                           "monthly_percentages", "due_days")}


def _sources(cooperative: Cooperative):
    members = Membership.objects.filter(cooperative=cooperative).values("organisation")
    yield Cooperative, Q(id=cooperative.pk)
    yield RealisationSettings, Q(cooperative=cooperative)  # set on the set-up page too
    yield Area, Q(cooperative=cooperative)
    yield Neighbourhood, Q(cooperative=cooperative)
    yield Population, Q(neighbourhood__cooperative=cooperative)
    yield Team, Q(cooperative=cooperative)
    yield Membership, Q(cooperative=cooperative)
    yield Organisation, Q(id__in=members)
    yield FundingStream, Q(cooperative=cooperative)


def structure_history(cooperative: Cooperative, limit: int = 200) -> list[HistoryEvent]:
    """The latest changes to the cooperative's structure: who, when, what, old → new, why.
    A constant number of queries: per model the latest records, then the versions before
    them in one go."""
    latest = []
    for model, condition in _sources(cooperative):
        history = model.history.filter(condition).select_related("history_user")
        latest += [(model, r) for r in history.order_by("-history_date", "-history_id")[:limit]]
    latest.sort(key=lambda mr: (mr[1].history_date, mr[1].history_id), reverse=True)
    latest = latest[:limit]
    versions: dict[tuple, list] = {}
    for model in {m for m, _r in latest}:
        ids = {r.id for m, r in latest if m is model and r.history_type == "~"}
        for r in model.history.filter(id__in=ids).order_by("history_date", "history_id"):
            versions.setdefault((model, r.id), []).append(r)
    names = _names(cooperative)
    return [_event(model, record, versions.get((model, record.id), []), names)
            for model, record in latest]


def _names(cooperative) -> dict:
    """Codes of the neighbourhoods and organisations, for populations and memberships."""
    return {
        Population: dict(Neighbourhood.objects.filter(cooperative=cooperative)
                         .values_list("pk", "code")),
        Membership: dict(Organisation.objects.filter(memberships__cooperative=cooperative)
                         .values_list("pk", "code")),
    }


def _event(model, record, versions: list, names: dict) -> HistoryEvent:
    changes = []
    before = [v for v in versions if (v.history_date, v.history_id) <
              (record.history_date, record.history_id)]
    if record.history_type == "~" and before:
        delta = record.diff_against(before[-1])
        changes = [(field_label(model, c.field), field_text(model, c.field, c.old),
                    field_text(model, c.field, c.new))
                   for c in delta.changes if c.field != "neighbourhoods"]
    elif record.history_type == "+" and model in SETTINGS_DEFAULTS:
        # Settings saved for the first time: what differs from the defaults they replace.
        default = model()
        changes = [(field_label(model, f), field_text(model, f, getattr(default, f)),
                    field_text(model, f, getattr(record, f)))
                   for f in SETTINGS_DEFAULTS[model] if getattr(default, f) != getattr(record, f)]
    if model is Population:
        what = f"{names[model].get(record.neighbourhood_id, '')} {record.year}"
    elif model is Membership:
        what = names[model].get(record.organisation_id, "")
    else:
        what = f"{getattr(record, 'code', '')} {getattr(record, 'name', '')}"
    return HistoryEvent(
        when=record.history_date,
        who=person(record.history_user) if record.history_user else _("systeem"),
        what=f"{model._meta.verbose_name} {what}".strip(),
        action=str(ACTIONS[record.history_type]),
        changes=changes,
        reason=record.history_change_reason or "",
    )
