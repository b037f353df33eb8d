"""Every change in the history of the cooperative's records: when, who, what object, field,
old → new, reason. Streams per model in (object, time) order, so memory stays constant."""

from django.apps import apps
from django.db.models import Q

from cooperatie.models import Cooperative
from cooperatie.scoping import path_to
from partners.models import Organisation
from reports.writer import Column

from . import Report

COLUMNS = [
    Column("Wanneer", "datetime", 19), Column("Wie", "text", 18),
    Column("Soort object", "text", 22),
    Column("Object", "text", 40), Column("Wijziging", "text", 12), Column("Veld", "text", 22),
    Column("Oud", "text", 30), Column("Nieuw", "text", 30), Column("Reden", "text", 40),
]
ACTIONS = {"+": "aangemaakt", "~": "gewijzigd", "-": "verwijderd"}
IGNORED = {"id", "history_id", "history_date", "history_change_reason", "history_type",
           "history_user", "history_user_id"}


def historied_models():
    for model in apps.get_models():
        history = getattr(model, "history", None)
        if history is not None and hasattr(history, "model"):
            yield model


def cooperative_filter(model, cooperative: Cooperative) -> Q | None:
    """How a model's history rows belong to the cooperative; None when they do not."""
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


def _value(record, field) -> str:
    value = getattr(record, field.attname)
    return "" if value is None else str(value)


class AuditReport(Report):
    slug = "audit"
    title = "Audittrail: alle wijzigingen"
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
        return writer.table("Audittrail", COLUMNS, self._rows(scope), progress=progress)

    def _rows(self, scope):
        for model, records in self._sources(scope):
            label = str(model._meta.verbose_name)
            fields = [f for f in model.history.model._meta.concrete_fields
                      if f.attname not in IGNORED and not f.name.startswith("history_")]
            query = records.select_related("history_user").order_by("id", "history_date",
                                                                     "history_id")
            previous = None
            for record in query.iterator(chunk_size=2000):
                if previous is not None and previous.id != record.id:
                    previous = None
                yield from self._changes(label, fields, previous, record)
                previous = record

    def _changes(self, label, fields, previous, record):
        who = record.history_user.username if record.history_user else ""
        name = getattr(record, "code", "") or getattr(record, "name", "") or ""
        base = [record.history_date, who, label, f"#{record.id} {name}".strip(),
                ACTIONS.get(record.history_type, "")]
        reason = record.history_change_reason or ""
        if record.history_type == "~" and previous is not None:
            changed = [(f.verbose_name, _value(previous, f), _value(record, f)) for f in fields
                       if _value(previous, f) != _value(record, f)]
            for name, old, new in changed or [("", "", "")]:
                yield [*base, str(name), old, new, reason]
        else:
            yield [*base, "", "", "", reason]

