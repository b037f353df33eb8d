"""Every change in the history of the cooperative's records, readable by a person: when (local
time, a real date-time cell), who (by name), which object (in words), field, old → new (labels,
names, amounts as numbers) and the reason. Streams per model in (object, time) order, so
memory stays constant; labels, names and formats are resolved once per model, not per row."""

import re

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cooperatie.models import Cooperative
from cooperatie.scoping import path_to
from partners.models import Organisation
from reports.writer import Cell, Column

from . import Report

COLUMNS = [
    Column("Wanneer", "datetime", 16), Column("Wie", "text", 24),
    Column("Soort object", "text", 24), Column("Object", "text", 52),
    Column("Wijziging", "text", 12), Column("Veld", "text", 24),
    Column("Oud", "mixed", 28), Column("Nieuw", "mixed", 28), Column("Reden", "text", 60),
]
ACTIONS = {"+": "aangemaakt", "~": "gewijzigd", "-": "verwijderd"}
IGNORED = {"id", "history_id", "history_date", "history_change_reason", "history_type",
           "history_user", "history_user_id"}
META = ["id", "history_date", "history_type", "history_change_reason", "history_user_id"]
YES_NO = {True: "ja", False: "nee"}

# How a record is named in words: its fields in a sentence ({field} is the field's value,
# a related object's name or a choice's label; [ … ] is left out when its fields are empty).
# Models not listed are named by their name, title or number, or by what they point to.
NAMED_BY = {
    "cooperatie.Population": "{neighbourhood} {year}",
    "cooperatie.Membership": "{organisation}",
    "cooperatie.BoardSeat": "{user}, {role}",
    "cooperatie.CooperativeRole": "{user}, {role}",
    "cooperatie.Measurement": "{indicator}[, {area}][, {neighbourhood}][, {team}], {period} {year}",
    "cooperatie.Vote": "{user} over {proposal}",
    "partners.OrganisationRole": "{user}, {role} bij {organisation}",
    "partners.TeamNeed": "{team} × {expertise}, {budget_round}",
    "partners.StaffCommitment": "{team} × {expertise}, {organisation}, {budget_round}",
    "budgets.BudgetRound": "{year}",
    "budgets.PartnerBudget": "{organisation} {budget_round}",
    "budgets.BudgetLine": "{neighbourhood} × {funding_stream}, {budget}",
    "budgets.LumpSumGrant": "[{funder}][{funder_name}] {year}",
    "budgets.AllocationPlan": "{grant}, versie {version}",
    "budgets.AllocationKey": "{plan}",
    "budgets.AllocationKeyShare": "{organisation} in {key}",
    "budgets.PlanNeighbourhoodWeight": "{neighbourhood} in {plan}",
    "budgets.AllocationLine": "{organisation}[ in {neighbourhood}], {plan}",
    "budgets.AllocationTranche": "{organisation}, voorschot {number}, {plan}",
}
OWN_NAME = ("name", "title", "number", "description")
FIELD = re.compile(r"{(\w+)}")
OPTIONAL = re.compile(r"\[([^\]]*)\]")


def _fill(pattern: str, values: dict[str, str]) -> str:
    """The pattern with its fields filled in; optional parts without a value left out."""
    parts = OPTIONAL.split(pattern)  # text, optional, text, optional, …
    return "".join(
        part.format_map(values) if i % 2 == 0 or any(values[f] for f in FIELD.findall(part))
        else "" for i, part in enumerate(parts)).strip()


def historied_models():
    for model in apps.get_models():
        history = getattr(model, "history", None)
        if history is not None and hasattr(history, "model"):
            yield model


def cooperative_filter(model, cooperative: Cooperative) -> Q | None:
    """How a model's rows (and its history rows) belong to the cooperative; None when they
    do not."""
    if model is Cooperative:
        return Q(id=cooperative.pk)
    if model is Organisation:
        return Q(id__in=cooperative.memberships.values("organisation"))
    path = path_to(model, Cooperative)
    if path is not None:
        return Q(**{path: cooperative.pk})
    path = path_to(model, Organisation, 1)
    if path is not None:
        return Q(**{f"{path}__in": cooperative.memberships.values("organisation")})
    return None


def _pattern(model) -> str:
    pattern = NAMED_BY.get(model._meta.label)
    if pattern:
        return pattern
    names = {f.name for f in model._meta.concrete_fields}
    own = next((n for n in OWN_NAME if n in names), None)
    if own:
        return f"{{{own}}}"
    related = [f.name for f in model._meta.concrete_fields
               if f.is_relation and f.name != "cooperative" and f.related_model is not model]
    return " · ".join(f"{{{name}}}" for name in related)


class Names:
    """Objects named in words, as `NAMED_BY` says; each related model's names are looked up
    once for the report (its rows in this cooperative), not per history row."""

    def __init__(self, cooperative: Cooperative):
        self.cooperative = cooperative
        self.loaded: dict[type, dict[int, str]] = {}
        self.namers: dict[type, Namer] = {}
        User = get_user_model()
        self.loaded[User] = {u.pk: u.get_full_name() or u.username for u in User.objects.all()}

    def namer(self, model) -> "Namer":
        namer = self.namers.get(model)
        if namer is None:
            namer = self.namers[model] = Namer(model, self)
        return namer

    def of(self, model, pk) -> str:
        if pk is None:
            return ""
        names = self.loaded.get(model)
        if names is None:
            self.loaded[model] = {}  # a cycle of names ends here, in "nummer …"
            names = self.loaded[model] = self._load(model)
        name = names.get(pk)
        if name is None:  # deleted since, or outside the cooperative: its last known name
            last = model.history.filter(id=pk).order_by("-history_date").values().first() \
                if hasattr(model, "history") else None
            name = names[pk] = self.namer(model).name(last) if last else f"nummer {pk}"
        return name

    def _load(self, model) -> dict[int, str]:
        namer = self.namer(model)
        rows = model._default_manager.all()
        condition = cooperative_filter(model, self.cooperative)
        if condition is not None:
            rows = rows.filter(condition)
        return {row["pk"]: namer.name(row) for row in rows.values("pk", *namer.attnames)}


class Namer:
    """Names one model's records (live rows or history rows, as dicts of field values)."""

    def __init__(self, model, names: Names):
        self.pattern = _pattern(model)
        fields = {f.name: f for f in model._meta.concrete_fields}
        self.parts = []
        for name in FIELD.findall(self.pattern):
            field = fields[name]
            self.parts.append((name, field.attname, value_renderer(field, names, text=True)))
        self.attnames = [attname for _name, attname, _render in self.parts]
        self.last: tuple = (None, "")

    def name(self, row: dict) -> str:
        # History comes per object in time order: remembering the last name is enough (and
        # keeps memory constant, unlike a cache of every object's name).
        key = tuple(row[attname] for attname in self.attnames)
        if key != self.last[0]:
            values = {n: render(v) for (n, _a, render), v in zip(self.parts, key, strict=True)}
            self.last = (key, _fill(self.pattern, values))
        return self.last[1]


def value_renderer(field, names: Names, *, text: bool = False):
    """How a field's value shows: a choice by its label, a related object by its name, an
    amount as a number in euro format, a date as a date cell. With `text`, always a string
    (for names)."""
    if field.choices:
        labels = {k: str(label) for k, label in field.flatchoices}
        return lambda v: "" if v is None else labels.get(v, str(v))
    if field.is_relation:
        model = field.related_model
        return lambda v: names.of(model, v)
    if isinstance(field, models.BooleanField):
        return lambda v: "" if v is None else YES_NO[bool(v)]
    if text:
        return lambda v: "" if v is None else str(v)
    kind = _kind(field)
    if kind is None:
        return lambda v: "" if v is None else str(v)
    return lambda v: None if v is None else Cell(v, kind)


def _kind(field) -> str | None:
    if isinstance(field, models.DecimalField):
        # Money is DecimalField(max_digits=14, decimal_places=2); FTE and weights are smaller.
        return "money" if field.decimal_places == 2 and field.max_digits >= 12 else "number"
    if isinstance(field, models.DateTimeField):
        return "datetime"
    if isinstance(field, models.DateField):
        return "date"
    if isinstance(field, models.IntegerField):
        return "int"
    return None


class AuditReport(Report):
    slug = "audit"
    title = _("Audittrail: alle wijzigingen")
    streaming = True

    def _sources(self, scope):
        for model in historied_models():
            condition = cooperative_filter(model, scope.cooperative)
            if condition is None:
                continue
            yield model, model.history.filter(condition)

    def estimate(self, scope) -> int:
        return sum(qs.count() for _m, qs in self._sources(scope))

    def write(self, writer, scope, progress) -> int:
        return writer.table("Audittrail", COLUMNS, self.rows(scope), progress=progress).rows

    def rows(self, scope):
        names = Names(scope.cooperative)
        people = names.loaded[get_user_model()]
        for model, records in self._sources(scope):
            yield from self._model_rows(model, records, names, people)

    def _model_rows(self, model, records, names: Names, people: dict):
        label = str(model._meta.verbose_name).capitalize()
        namer = names.namer(model)
        named = set(namer.attnames)
        fields = [(f.attname, str(f.verbose_name), value_renderer(f, names))
                  for f in model.history.model._meta.concrete_fields
                  if f.attname not in IGNORED and not f.name.startswith("history_")]
        initial = [f for f in fields if f[0] not in named and f[0] != "cooperative_id"]
        columns = list(dict.fromkeys([*META, *namer.attnames, *(f[0] for f in fields)]))
        query = records.order_by("id", "history_date", "history_id").values_list(*columns)
        previous = None
        for values in query.iterator(chunk_size=2000):
            record = dict(zip(columns, values, strict=True))
            if previous is not None and previous["id"] != record["id"]:
                previous = None
            base = [record["history_date"], people.get(record["history_user_id"], ""), label,
                    namer.name(record), ACTIONS.get(record["history_type"], "")]
            reason = record["history_change_reason"] or ""
            kind = record["history_type"]
            if kind == "~" and previous is not None:
                changed = [(name, render(previous[attname]), render(record[attname]))
                           for attname, name, render in fields
                           if previous[attname] != record[attname]]
            elif kind == "+":
                changed = [(name, "", render(record[attname])) for attname, name, render in initial
                           if record[attname] not in (None, "")]
            else:
                changed = []
            for name, old, new in changed or [("", "", "")]:
                yield [*base, name, old, new, reason]
            previous = record
