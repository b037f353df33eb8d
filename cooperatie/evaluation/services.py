"""Changes to indicators and measurements. Each checks permission first, validates the whole
change, writes it with the acting user and the reason in the history, or writes nothing."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from .. import policy
from ..history import save_recorded
from ..models import Cooperative
from .models import Indicator, Measurement
from .selectors import Scope

INDICATOR_FIELDS = ("aim", "code", "name", "description", "source", "unit", "direction",
                    "method", "target", "tolerance", "baseline", "baseline_year", "first_year",
                    "last_year", "position")
VALUE_FIELDS = ("value", "respondents", "count_improved", "count_stable", "count_declined",
                "note")

DUPLICATE = gettext_lazy("Er is tegelijk al een meting voor deze indicator, dit niveau en deze "
                         "periode ingevoerd. Vernieuw de pagina en wijzig die meting.")


# --- indicators -------------------------------------------------------------------------------


@transaction.atomic
def indicator_create(*, cooperative: Cooperative, aim: str, code: str, name: str, unit: str,
                     direction: str, first_year: int, method: str = Indicator.Method.ENTERED,
                     target: Decimal | None = None, tolerance: Decimal | None = None,
                     baseline: Decimal | None = None, baseline_year: int | None = None,
                     last_year: int | None = None, description: str = "", source: str = "",
                     position: int = 0, actor, reason: str) -> Indicator:
    policy.ensure(actor, "indicator.manage", cooperative)
    indicator = Indicator(
        cooperative=cooperative, aim=aim, code=code, name=name, unit=unit, direction=direction,
        method=method, target=target, tolerance=tolerance, baseline=baseline,
        baseline_year=baseline_year, first_year=first_year, last_year=last_year,
        description=description, source=source, position=position,
    )
    return save_recorded(indicator, actor=actor, reason=reason)


@transaction.atomic
def indicator_update(*, indicator: Indicator, actor, reason: str, **changes) -> Indicator:
    """Change any of INDICATOR_FIELDS. Unit and method are fixed once there are measurements,
    and the years must keep covering them."""
    unknown = set(changes) - set(INDICATOR_FIELDS)
    if unknown:
        raise TypeError(f"indicator_update: unknown fields {sorted(unknown)}")
    policy.ensure(actor, "indicator.manage", indicator.cooperative)
    locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
    for name, value in changes.items():
        setattr(locked, name, value)
    return save_recorded(locked, actor=actor, reason=reason)


# --- measurements -----------------------------------------------------------------------------


def _check_scope(indicator: Indicator, scope: Scope) -> None:
    if scope.cooperative.pk != indicator.cooperative_id:
        raise ValidationError(
            _("%(scope)s hoort bij een andere coöperatie dan de indicator '%(name)s'.")
            % {"scope": scope, "name": indicator.name}
        )


def _save(measurement: Measurement, *, actor, reason: str) -> Measurement:
    try:
        with transaction.atomic():
            return save_recorded(measurement, actor=actor, reason=reason)
    except IntegrityError:
        # Someone else entered the same measurement between our check and our write.
        raise ValidationError({"period": DUPLICATE}) from None


@transaction.atomic
def measurement_create(*, indicator: Indicator, scope: Scope, year: int, period: str,
                       value: Decimal | None = None, respondents: int | None = None,
                       count_improved: int | None = None, count_stable: int | None = None,
                       count_declined: int | None = None, note: str = "", actor,
                       reason: str) -> Measurement:
    policy.ensure(actor, "measurement.enter", indicator.cooperative)
    _check_scope(indicator, scope)
    measurement = Measurement(
        indicator=indicator, year=year, period=period, value=value, respondents=respondents,
        count_improved=count_improved, count_stable=count_stable,
        count_declined=count_declined, note=note, **scope.measurement_fields,
    )
    return _save(measurement, actor=actor, reason=reason)


@transaction.atomic
def measurement_update(*, measurement: Measurement, actor, reason: str,
                       **changes) -> Measurement:
    """Correct what was measured (value, respondents, counts, note). Indicator, scope and period
    stay: a measurement in the wrong place is deleted and entered again."""
    unknown = set(changes) - set(VALUE_FIELDS)
    if unknown:
        raise TypeError(f"measurement_update: unknown fields {sorted(unknown)}")
    policy.ensure(actor, "measurement.enter", measurement.indicator.cooperative)
    locked = Measurement.objects.select_for_update().select_related("indicator").get(
        pk=measurement.pk)
    for name, value in changes.items():
        setattr(locked, name, value)
    return _save(locked, actor=actor, reason=reason)


@transaction.atomic
def measurement_delete(*, measurement: Measurement, actor, reason: str) -> None:
    policy.ensure(actor, "measurement.enter", measurement.indicator.cooperative)
    if not reason.strip():
        raise ValidationError(_("Geef een reden voor het verwijderen."))
    measurement._history_user = actor
    measurement._change_reason = reason
    measurement.delete()


# --- many at once (the Excel upload) ----------------------------------------------------------


@dataclass
class MeasurementInput:
    """One measurement to enter, with where it came from (an upload's row) for messages."""

    indicator: Indicator
    scope: Scope
    year: int
    period: str
    value: Decimal | None = None
    respondents: int | None = None
    count_improved: int | None = None
    count_stable: int | None = None
    count_declined: int | None = None
    note: str = ""
    row: int | None = None


@dataclass(frozen=True)
class RowError:
    row: int | None
    field: str | None  # a Measurement field name, or None for the row as a whole
    message: str


class BatchValidationError(ValidationError):
    """Every problem of a batch, each with its row and field."""

    def __init__(self, errors: list[RowError]):
        super().__init__([e.message for e in errors])
        self.row_errors = errors


def measurements_check(*, cooperative: Cooperative, entries: list[MeasurementInput]
                       ) -> tuple[list[Measurement], list[RowError]]:
    """Build and validate every entry (nothing is written); also finds duplicates within
    the batch itself."""
    objects, errors = [], []
    seen: dict[tuple, int | None] = {}
    for entry in entries:
        indicator = entry.indicator
        if {indicator.cooperative_id, entry.scope.cooperative.pk} != {cooperative.pk}:
            errors.append(RowError(entry.row, None, _("Hoort bij een andere coöperatie.")))
            continue
        m = Measurement(
            indicator=indicator, year=entry.year, period=entry.period, value=entry.value,
            respondents=entry.respondents, count_improved=entry.count_improved,
            count_stable=entry.count_stable, count_declined=entry.count_declined,
            note=entry.note, **entry.scope.measurement_fields,
        )
        valid = True
        key = (indicator.pk, entry.scope.key, entry.year, entry.period)
        if key in seen:
            valid = False
            errors.append(RowError(entry.row, "period", _(
                "Dezelfde indicator, hetzelfde niveau en dezelfde periode staan ook in "
                "rij %(row)s.") % {"row": seen[key]}))
        else:
            seen[key] = entry.row
        try:
            m.full_clean()
        except ValidationError as exc:
            valid = False
            errors += [RowError(entry.row, f, msg) for f, msg in _field_messages(exc)]
        if valid:
            objects.append(m)
    return objects, errors


def _field_messages(exc: ValidationError) -> list[tuple[str | None, str]]:
    if not hasattr(exc, "error_dict"):
        return [(None, m) for m in exc.messages]
    return [(None if f == "__all__" else f, m) for f, ms in exc.message_dict.items()
            for m in ms]


@transaction.atomic
def measurements_create_many(*, cooperative: Cooperative, entries: list[MeasurementInput],
                             actor, reason: str) -> list[Measurement]:
    """All or nothing: any error anywhere and not one measurement is written."""
    policy.ensure(actor, "measurement.enter", cooperative)
    objects, errors = measurements_check(cooperative=cooperative, entries=entries)
    if errors:
        raise BatchValidationError(errors)
    try:
        with transaction.atomic():
            return bulk_create_with_history(objects, Measurement, default_user=actor,
                                            default_change_reason=reason)
    except IntegrityError:
        raise BatchValidationError([RowError(None, None, DUPLICATE)]) from None
