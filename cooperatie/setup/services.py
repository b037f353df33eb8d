"""Setting up a cooperative: its settings, and its whole structure at once.

`structure_apply` makes the cooperative's areas, neighbourhoods (with inhabitants), teams,
partners (organisations and memberships), funding streams and expertises what a `Structure`
says, in one transaction: every problem is collected first and named by sheet and row, and
if there is any, nothing is written. Changes that would break the history are refused:
what has budget lines, ledger entries, commitments or measurements is never removed (end it
with a date instead), and no end date falls before a year that has data.

A dry run runs exactly the same code, writes included, and rolls back.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from budgets.ledger import balances_rebuild
from budgets.models import BudgetRound, FundingStream, LumpSumGrant, PartnerBudget
from budgets.realisation.services import realisation_settings_get, realisation_settings_save
from partners.models import Organisation, OrganisationRole

from .. import policy
from ..errors import error_lines
from ..history import save_recorded
from ..models import Area, Cooperative, Expertise, Membership, Neighbourhood, Population, Team
from ..scoping import cooperative_path, path_to
from . import structure as s
from .structure import Change, Structure, where

CBS_CODE = re.compile(r"^BU\d{8}$")
BATCH = 2000


class StaleStructure(ValidationError):
    """The structure changed between the preview and the confirmation."""


@dataclass
class Result:
    cooperative: Cooperative
    changes: list[Change]
    created: bool = False

    @property
    def digest(self) -> str:
        return changes_digest(self.changes)


def changes_digest(changes: list[Change]) -> str:
    return hashlib.sha256("\n".join(c.describe() for c in changes).encode()).hexdigest()


# --- the cooperative's own settings -----------------------------------------------------------


@transaction.atomic
def cooperative_create(*, code: str, name: str, municipality: str = "", actor,
                       reason: str) -> Cooperative:
    """A new, empty cooperative (the application administrator only)."""
    policy.ensure_may_create_cooperative(actor)
    if Cooperative.objects.filter(code__iexact=code).exists():
        raise ValidationError({"code": _("De code '%(code)s' is al in gebruik.") % {
            "code": code}})
    return save_recorded(Cooperative(code=code, name=name, municipality=municipality),
                         actor=actor, reason=reason)


SETTINGS = ("code", "name", "municipality", "quorum_percent", "majority", "voting_days",
            "proxies_per_holder")
REALISATION = ("period_kind", "warning_percent", "due_days")  # budgets.realisation's settings


@transaction.atomic
def cooperative_settings_update(*, cooperative: Cooperative, values: dict, actor,
                                reason: str) -> list[tuple[str, str, str]]:
    """Change the cooperative's name, code and voting rules (quorum, majority, the default
    voting term), and the realisation's period kind, warning threshold and the days within
    which a period's realisation is due, in one go;
    returns (label, old, new) of what changed."""
    policy.ensure(actor, "cooperative.configure", cooperative)
    locked = Cooperative.objects.select_for_update().get(pk=cooperative.pk)
    unknown = set(values) - set(SETTINGS) - set(REALISATION)
    if unknown:
        raise ValueError(f"not a setting: {', '.join(sorted(unknown))}")
    changed = _set_fields(locked, {k: v for k, v in values.items() if k in SETTINGS})
    code = values.get("code")
    if code and Cooperative.objects.filter(code__iexact=code).exclude(pk=locked.pk).exists():
        raise ValidationError({"code": _("De code '%(code)s' is al in gebruik.") % {
            "code": code}})
    if changed:
        save_recorded(locked, actor=actor, reason=reason)
    realisation = {k: v for k, v in values.items() if k in REALISATION}
    if realisation:
        current = realisation_settings_get(locked)
        more = _set_fields(current, realisation)
        if more:
            realisation_settings_save(
                cooperative=locked, period_kind=current.period_kind,
                warning_percent=current.warning_percent,
                budget_to_date=current.budget_to_date,
                monthly_percentages=current.monthly_percentages, due_days=current.due_days,
                actor=actor, reason=reason)
            changed += more
    return changed


def _set_fields(obj, values: dict) -> list[tuple[str, str, str]]:
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            changed.append((field_label(type(obj), name), field_text(obj, name),
                            field_text(obj, name, value)))
            setattr(obj, name, value)
    return changed


# --- the whole structure ----------------------------------------------------------------------


def structure_apply(*, cooperative: Cooperative | None, structure: Structure, actor,
                    reason: str, dry_run: bool = False, expected: str | None = None) -> Result:
    """Make the structure so. `cooperative` None creates it from `structure.cooperative`.
    `expected` is the digest of the changes a preview showed: if the changes are now
    different, StaleStructure is raised and nothing is written."""
    with transaction.atomic():
        result = _Applier(cooperative, structure, actor, reason).run(expected)
        if dry_run:
            transaction.set_rollback(True)
    return result


class _Applier:
    def __init__(self, cooperative, structure: Structure, actor, reason: str):
        self.coop = cooperative
        self.structure = structure
        self.actor = actor
        self.reason = reason
        self.errors: list[str] = []
        self.changes: list[Change] = []
        self.writes: list = []  # closures, run in order once everything checks out
        self.removals: list = []  # run after the writes, in reverse order of dependence
        self.area_moved = False  # a neighbourhood or team moved: the ledger's area totals too

    def run(self, expected: str | None) -> Result:
        created = self._cooperative()
        if self.errors:
            raise ValidationError(self.errors)
        self._expertises()
        self._streams()
        self._areas()
        self._neighbourhoods()
        self._teams()
        self._partners()
        if self.errors:
            raise ValidationError(self.errors)
        if expected is not None and changes_digest(self.changes) != expected:
            raise StaleStructure(_("De structuur is intussen gewijzigd; er is niets "
                                   "opgeslagen. Upload het bestand opnieuw om de nieuwe "
                                   "verschillen te zien."))
        for write in self.writes:
            write()
        for remove in reversed(self.removals):
            remove()
        if self.area_moved:  # the running balances are kept per area (budgets.ledger)
            balances_rebuild(self.coop)
        return Result(self.coop, self.changes, created)

    # --- helpers ------------------------------------------------------------------------

    def error(self, sheet: str, row, message: str, column: str | None = None) -> None:
        self.errors.append(f"{where(sheet, row, column)}: {message}")

    def check(self, obj, sheet: str, row, exclude=()) -> bool:
        """Validate one object as the model does (without the database's uniqueness, which
        the plan checks itself); name the problems by sheet and row."""
        try:
            obj.full_clean(exclude=list(exclude), validate_unique=False,
                           validate_constraints=False)
        except ValidationError as exc:
            for line in error_lines(exc, type(obj)):
                self.error(sheet, row, line)
            return False
        return True

    def save(self, obj, sheet: str, row) -> None:
        try:
            save_recorded(obj, actor=self.actor, reason=self.reason)
        except ValidationError as exc:
            raise ValidationError([f"{where(sheet, row)}: {line}"
                                   for line in error_lines(exc, type(obj))]) from None

    def create_all(self, objs: list, model) -> None:
        if objs:
            bulk_create_with_history(objs, model, batch_size=BATCH, default_user=self.actor,
                                     default_change_reason=self.reason)

    def duplicates(self, rows, sheet: str, column: str, key=lambda r: r.code) -> list:
        """The rows whose key was not seen before (case does not make a code different)."""
        seen: dict[str, int | None] = {}
        unique = []
        for row in rows:
            k = key(row).casefold()
            if k in seen:
                self.error(sheet, row.row, _("'%(code)s' staat ook al op rij %(first)s.")
                           % {"code": key(row), "first": seen[k]}, column)
                continue
            seen[k] = row.row
            unique.append(row)
        return unique

    def changed(self, sheet, obj, row, pairs) -> tuple:
        """(label, old, new) for every field whose value differs; sets the new values."""
        fields = []
        for name, new in pairs:
            old = getattr(obj, name)
            if old != new:
                self.area_moved = self.area_moved or name == "area"
                fields.append((field_label(type(obj), name), field_text(obj, name),
                               field_text(obj, name, new)))
                setattr(obj, name, new)
        return tuple(fields)

    def end_too_early(self, sheet, row, obj, end: date | None, label: str, column: str,
                      **scope) -> None:
        """An end date may not fall before a year that has data for the object."""
        if end is None:
            return
        last = last_year_with_data(obj, **scope)
        if last is not None and last[0] > end.year:
            self.error(sheet, row, _(
                "%(what)s heeft %(records)s in %(year)s; de einddatum kan niet vóór "
                "01-01-%(year)s liggen.") % {"what": label, "records": last[1],
                                             "year": last[0]}, column)

    # --- the cooperative ----------------------------------------------------------------

    def _cooperative(self) -> bool:
        row = self.structure.cooperative
        if self.coop is None:
            policy.ensure_may_create_cooperative(self.actor)
            if row is None or not row.code:
                self.error(s.COOPERATIVE, None, _("vul de code en de naam van de nieuwe "
                                                  "coöperatie in."))
                return True
            if Cooperative.objects.filter(code__iexact=row.code).exists():
                self.error(s.COOPERATIVE, row.row, _("de code '%(code)s' is al in gebruik.")
                           % {"code": row.code}, _("Code"))
            self.coop = Cooperative(code=row.code, name=row.name, municipality=row.municipality)
            if self.check(self.coop, s.COOPERATIVE, row.row):
                coop = self.coop
                self.writes.append(lambda: self.save(coop, s.COOPERATIVE, row.row))
                self.changes.append(Change(s.COOPERATIVE, row.code, row.name, Change.Action.NEW))
            return True
        policy.ensure(self.actor, "cooperative.configure", self.coop)
        self.coop = Cooperative.objects.select_for_update().get(pk=self.coop.pk)
        if row is None:
            return False
        if row.code and row.code != self.coop.code:
            self.error(s.COOPERATIVE, row.row, _(
                "dit werkboek is van de coöperatie '%(found)s', niet van '%(code)s'.")
                % {"found": row.code, "code": self.coop.code}, _("Code"))
            return False
        fields = self.changed(s.COOPERATIVE, self.coop, row.row,
                              [("name", row.name), ("municipality", row.municipality)])
        if fields and self.check(self.coop, s.COOPERATIVE, row.row):
            self.writes.append(lambda: self.save(self.coop, s.COOPERATIVE, row.row))
            self.changes.append(Change(s.COOPERATIVE, self.coop.code, self.coop.name,
                                       Change.Action.CHANGED, fields))
        return False

    @property
    def new_cooperative(self) -> bool:
        return self.coop.pk is None

    def _existing(self, model, *related, prefetch=()) -> dict:
        """The cooperative's objects of `model` by code (none yet for a new one)."""
        if self.new_cooperative:
            return {}
        records = model.objects.filter(cooperative=self.coop).select_related(*related)
        return {o.code: o for o in records.prefetch_related(*prefetch)}

    # --- expertises: one list for the whole installation ---------------------------------

    def _expertises(self) -> None:
        rows = self.structure.expertises
        if rows is None:
            return
        existing = {e.code.casefold(): e for e in Expertise.objects.all()}
        created = []
        for row in self.duplicates(rows, s.EXPERTISES, _("Code")):
            expertise = existing.get(row.code.casefold())
            if expertise is None:
                expertise = Expertise(code=row.code, name=row.name)
                if self.check(expertise, s.EXPERTISES, row.row):
                    created.append(expertise)
                    self.changes.append(Change(s.EXPERTISES, row.code, row.name,
                                               Change.Action.NEW))
                continue
            if expertise.name == row.name:
                continue
            if not self.actor.is_superuser:
                self.error(s.EXPERTISES, row.row, _(
                    "de naam van expertise %(code)s ('%(name)s') geldt voor alle coöperaties; "
                    "alleen de applicatiebeheerder kan die wijzigen.")
                    % {"code": expertise.code, "name": expertise.name}, _("Naam"))
                continue
            fields = self.changed(s.EXPERTISES, expertise, row.row, [("name", row.name)])
            if self.check(expertise, s.EXPERTISES, row.row):
                self.writes.append(lambda e=expertise, r=row: self.save(e, s.EXPERTISES, r.row))
                self.changes.append(Change(s.EXPERTISES, expertise.code, row.name,
                                           Change.Action.CHANGED, fields))
        self.writes.append(lambda: self.create_all(created, Expertise))

    # --- funding streams ------------------------------------------------------------------

    def _streams(self) -> None:
        rows = self.structure.streams
        if rows is None:
            return
        existing = self._existing(FundingStream)
        created = []
        for row in self.duplicates(rows, s.STREAMS, _("Code")):
            stream = existing.pop(row.code, None)
            if stream is None:
                stream = FundingStream(code=row.code, name=row.name, law=row.law,
                                       taakveld=row.taakveld)
                if self.check(stream, s.STREAMS, row.row, exclude=["cooperative"]):
                    created.append(stream)
                    self.changes.append(Change(s.STREAMS, row.code, row.name,
                                               Change.Action.NEW))
                continue
            fields = self.changed(s.STREAMS, stream, row.row, [
                ("name", row.name), ("law", row.law), ("taakveld", row.taakveld)])
            if fields and self.check(stream, s.STREAMS, row.row):
                self.writes.append(lambda o=stream, r=row: self.save(o, s.STREAMS, r.row))
                self.changes.append(Change(s.STREAMS, row.code, row.name,
                                           Change.Action.CHANGED, fields))

        def create():
            for stream in created:
                stream.cooperative = self.coop
            self.create_all(created, FundingStream)

        self.writes.append(create)
        for stream in existing.values():
            self._remove(s.STREAMS, stream)

    # --- areas ------------------------------------------------------------------------------

    def _areas(self) -> None:
        rows = self.structure.areas
        existing = self._existing(Area)
        if rows is None:
            self.areas = existing
            return
        self.areas = {}
        created = []
        for row in self.duplicates(rows, s.AREAS, _("Code")):
            area = existing.pop(row.code, None)
            if area is None:
                area = Area(code=row.code, name=row.name)
                if self.check(area, s.AREAS, row.row, exclude=["cooperative"]):
                    created.append(area)
                    self.changes.append(Change(s.AREAS, row.code, row.name, Change.Action.NEW))
            else:
                fields = self.changed(s.AREAS, area, row.row, [("name", row.name)])
                if fields and self.check(area, s.AREAS, row.row):
                    self.writes.append(lambda o=area, r=row: self.save(o, s.AREAS, r.row))
                    self.changes.append(Change(s.AREAS, row.code, row.name,
                                               Change.Action.CHANGED, fields))
            self.areas[row.code] = area

        def create():
            for area in created:
                area.cooperative = self.coop
            self.create_all(created, Area)

        self.writes.append(create)
        # Neighbourhoods and teams in the workbook all name an area in it; any others are
        # removed (or refused) with their own sheet.
        ignore = {Neighbourhood} if self.structure.neighbourhoods is not None else set()
        ignore |= {Team} if self.structure.teams is not None else set()
        for area in existing.values():
            self._remove(s.AREAS, area, ignore=ignore)

    def _area(self, sheet, row) -> Area | None:
        area = self.areas.get(row.area)
        if area is None:
            self.error(sheet, row.row, _("onbekend gebied '%(code)s'; het staat niet op het "
                                         "blad Gebieden.") % {"code": row.area}, _("Gebied"))
        return area

    # --- neighbourhoods and their inhabitants --------------------------------------------

    def _neighbourhoods(self) -> None:
        rows = self.structure.neighbourhoods
        existing = self._existing(Neighbourhood, "area")
        if rows is None:
            self.hoods = existing
            return
        populations = {}
        if existing:
            populations = {(p.neighbourhood_id, p.year): p for p in Population.objects.filter(
                neighbourhood__cooperative=self.coop)}
        self.hoods = {}
        created, new_people, changed_people = [], [], []
        for row in self.duplicates(rows, s.NEIGHBOURHOODS, _("Buurtcode")):
            area = self._area(s.NEIGHBOURHOODS, row)
            bad_people = self._check_people(row)
            hood = existing.pop(row.code, None)
            if hood is None:
                if not CBS_CODE.match(row.code):
                    self.error(s.NEIGHBOURHOODS, row.row, _(
                        "'%(code)s' is geen CBS-buurtcode: BU gevolgd door 8 cijfers, "
                        "bijvoorbeeld BU09170101.") % {"code": row.code}, _("Buurtcode"))
                    continue
                hood = Neighbourhood(code=row.code, name=row.name, ended_on=row.ended_on)
                self.hoods[row.code] = hood
                if area is None or bad_people or not self.check(
                        hood, s.NEIGHBOURHOODS, row.row, exclude=["cooperative", "area"]):
                    continue
                hood.area = area
                created.append(hood)
                new_people += [(hood, year, n) for year, n in sorted(row.inhabitants.items())]
                people = ((field_label(Neighbourhood, "area"), "", row.area),) + tuple(
                    (_("inwoners %(year)s") % {"year": y}, "", _count(n))
                    for y, n in sorted(row.inhabitants.items()))
                self.changes.append(Change(s.NEIGHBOURHOODS, row.code, row.name,
                                           Change.Action.NEW, people))
                continue
            self.hoods[row.code] = hood
            if area is None or bad_people:
                continue
            old_end = hood.ended_on
            fields = self.changed(s.NEIGHBOURHOODS, hood, row.row, [
                ("name", row.name), ("area", area), ("ended_on", row.ended_on)])
            if row.ended_on != old_end:
                self.end_too_early(s.NEIGHBOURHOODS, row.row, hood, row.ended_on,
                                   _("buurt %(code)s") % {"code": hood.code}, _("Einddatum"),
                                   ignore={Population, Team})
            if fields:
                if not self.check(hood, s.NEIGHBOURHOODS, row.row):
                    continue
                self.writes.append(lambda o=hood, r=row: self.save(o, s.NEIGHBOURHOODS, r.row))
            for year, n in sorted(row.inhabitants.items()):
                label = _("inwoners %(year)s") % {"year": year}
                population = populations.get((hood.pk, year))
                if population is None:
                    new_people.append((hood, year, n))
                    fields += ((label, "", _count(n)),)
                elif population.inhabitants != n:
                    fields += ((label, _count(population.inhabitants), _count(n)),)
                    population.inhabitants = n
                    changed_people.append(population)
            if fields:
                self.changes.append(Change(s.NEIGHBOURHOODS, row.code, row.name,
                                           Change.Action.CHANGED, fields))

        def write():
            for hood in created:
                hood.cooperative = self.coop
            self.create_all(created, Neighbourhood)
            self.create_all([Population(neighbourhood=h, year=y, inhabitants=n)
                             for h, y, n in new_people], Population)
            for population in changed_people:
                save_recorded(population, actor=self.actor, reason=self.reason, validate=False)

        self.writes.append(write)
        for hood in existing.values():
            self._remove(s.NEIGHBOURHOODS, hood, ignore={Population, Team},
                         instead=_("Zet de buurt terug en vul een einddatum in."))

    def _check_people(self, row) -> bool:
        """True when an inhabitants figure is wrong (the reader checks the cells; code that
        builds a Structure gets the same rule)."""
        bad = False
        for year, n in row.inhabitants.items():
            if not 2000 <= year <= 2100 or n < 0:
                self.error(s.NEIGHBOURHOODS, row.row, _(
                    "inwoners %(year)s: %(n)s is geen aantal inwoners in een jaar tussen 2000 "
                    "en 2100.") % {"year": year, "n": n})
                bad = True
        return bad

    # --- teams ------------------------------------------------------------------------------

    def _teams(self) -> None:
        rows = self.structure.teams
        if rows is None:
            return
        existing = self._existing(Team, "area", prefetch=["neighbourhoods"])
        created: list[tuple[Team, Area, list]] = []
        for row in self.duplicates(rows, s.TEAMS, _("Code")):
            area = self._area(s.TEAMS, row)
            hoods, unknown = [], []
            for code in row.neighbourhoods:
                hood = self.hoods.get(code)
                (hoods if hood is not None else unknown).append(hood or code)
            if unknown:
                self.error(s.TEAMS, row.row, _(
                    "onbekende buurtcode(s) %(codes)s; ze staan niet op het blad Buurten.")
                    % {"codes": ", ".join(unknown)}, _("Buurten"))
            if row.kind not in Team.Kind.values:
                self.error(s.TEAMS, row.row, _("onbekende soort team '%(kind)s'.")
                           % {"kind": row.kind}, _("Soort"))
            team = existing.pop(row.code, None)
            if area is None or unknown or row.kind not in Team.Kind.values:
                continue
            codes = sorted(h.code for h in hoods)
            if team is None:
                team = Team(code=row.code, name=row.name, kind=row.kind, ended_on=row.ended_on)
                if not self.check(team, s.TEAMS, row.row, exclude=["cooperative", "area"]):
                    continue
                self.changes.append(Change(s.TEAMS, row.code, row.name, Change.Action.NEW,
                                           ((_("buurten"), "", ", ".join(codes)),)))
                created.append((team, area, hoods))
                continue
            old_codes = sorted(h.code for h in team.neighbourhoods.all())
            old_end = team.ended_on
            fields = self.changed(s.TEAMS, team, row.row, [
                ("name", row.name), ("kind", row.kind), ("area", area),
                ("ended_on", row.ended_on)])
            if row.ended_on != old_end:
                self.end_too_early(s.TEAMS, row.row, team, row.ended_on,
                                   _("team %(code)s") % {"code": team.code}, _("Einddatum"))
            if codes != old_codes:
                fields += ((_("buurten"), ", ".join(old_codes), ", ".join(codes)),)
            if not fields or not self.check(team, s.TEAMS, row.row):
                continue
            self.changes.append(Change(s.TEAMS, row.code, row.name, Change.Action.CHANGED,
                                       fields))

            def write(team=team, hoods=hoods, row=row, served=codes != old_codes):
                self.save(team, s.TEAMS, row.row)
                if served:
                    team.neighbourhoods.set(hoods)

            self.writes.append(write)
        self.writes.append(lambda: self._create_teams(created))
        for team in existing.values():
            self._remove(s.TEAMS, team, instead=_("Zet het team terug en vul een einddatum "
                                                  "in."))

    def _create_teams(self, created: list) -> None:
        """New teams in bulk, with the neighbourhoods they serve, and both in the history (the
        served neighbourhoods on the team's creation record, as `neighbourhoods.set` would
        record them one team at a time, only much slower)."""
        for team, area, _hoods in created:
            team.cooperative, team.area = self.coop, area
        teams = [team for team, _area, _hoods in created]
        self.create_all(teams, Team)
        through = Team.neighbourhoods.through
        rows = through.objects.bulk_create(
            [through(team_id=team.pk, neighbourhood_id=hood.pk)
             for team, _area, hoods in created for hood in hoods], batch_size=BATCH)
        historical = Team.history.model
        records = dict(historical.objects.filter(id__in=[t.pk for t in teams])
                       .values_list("id", "history_id"))
        served = historical.neighbourhoods.model
        served.objects.bulk_create(
            [served(history_id=records[r.team_id], id=r.pk, team_id=r.team_id,
                    neighbourhood_id=r.neighbourhood_id) for r in rows], batch_size=BATCH)

    # --- partners: organisations and their membership -------------------------------------

    def _partners(self) -> None:
        rows = self.structure.partners
        if rows is None:
            return
        rows = self.duplicates(rows, s.PARTNERS, _("Code"))
        rows = self.duplicates(rows, s.PARTNERS, _("KvK-nummer"), key=lambda r: r.kvk_number)
        orgs = {o.code: o for o in Organisation.objects.filter(code__in=[r.code for r in rows])}
        kvk_owners = dict(Organisation.objects.filter(
            kvk_number__in=[r.kvk_number for r in rows]).values_list("kvk_number", "code"))
        memberships: dict[int, list[Membership]] = {}
        elsewhere: set[int] = set()
        if not self.new_cooperative:
            for m in Membership.objects.filter(cooperative=self.coop).select_related(
                    "organisation").order_by("valid_from"):
                memberships.setdefault(m.organisation_id, []).append(m)
            elsewhere = set(Membership.objects.exclude(cooperative=self.coop).filter(
                organisation__in=orgs.values()).values_list("organisation_id", flat=True))
        else:
            elsewhere = set(Membership.objects.filter(organisation__in=orgs.values())
                            .values_list("organisation_id", flat=True))
        removed = {m[0].organisation.code: m[0].organisation for m in memberships.values()}
        for row in rows:
            removed.pop(row.code, None)
            org = orgs.get(row.code)
            owner = kvk_owners.get(row.kvk_number)
            if owner is not None and owner != row.code:
                self.error(s.PARTNERS, row.row, _(
                    "KvK-nummer %(kvk)s is al in gebruik bij een andere organisatie.")
                    % {"kvk": row.kvk_number}, _("KvK-nummer"))
                continue
            fields: tuple = ()
            if org is None:
                org = Organisation(code=row.code, name=row.name, kind=row.kind,
                                   kvk_number=row.kvk_number)
                if not self.check(org, s.PARTNERS, row.row):
                    continue
                self.writes.append(lambda o=org, r=row: self.save(o, s.PARTNERS, r.row))
            else:
                pairs = [("name", row.name), ("kind", row.kind), ("kvk_number", row.kvk_number)]
                if org.pk in elsewhere and not self.actor.is_superuser and any(
                        getattr(org, f) != v for f, v in pairs):
                    self.error(s.PARTNERS, row.row, _(
                        "%(org)s is ook lid van een andere coöperatie; de naam, de soort en het "
                        "KvK-nummer wijzigt alleen de applicatiebeheerder. Laat ze zoals ze zijn "
                        "(%(name)s, %(kind)s, %(kvk)s).") % {
                        "org": org.code, "name": org.name, "kind": org.get_kind_display(),
                        "kvk": org.kvk_number})
                    continue
                fields = self.changed(s.PARTNERS, org, row.row, pairs)
                if fields:
                    if not self.check(org, s.PARTNERS, row.row):
                        continue
                    self.writes.append(lambda o=org, r=row: self.save(o, s.PARTNERS, r.row))
            self._membership(row, org, memberships.get(org.pk, []), fields)
        for org in removed.values():
            self._remove_partner(org, memberships[org.pk])

    def _membership(self, row, org, history: list[Membership], fields: tuple) -> None:
        latest = history[-1] if history else None
        rejoins = latest is not None and latest.valid_to is not None and \
            row.valid_from > latest.valid_to
        if latest is None or rejoins:
            membership = Membership(valid_from=row.valid_from, valid_to=row.valid_to,
                                    voting_weight=row.voting_weight)
            if not self.check(membership, s.PARTNERS, row.row,
                              exclude=["cooperative", "organisation"]):
                return
            action = Change.Action.NEW if latest is None else Change.Action.CHANGED
            fields += tuple((field_label(Membership, f), "", field_text(membership, f))
                            for f in ("valid_from", "valid_to", "voting_weight")
                            if getattr(membership, f) is not None)
        else:
            membership = latest
            old_end = latest.valid_to
            fields += self.changed(s.PARTNERS, latest, row.row, [
                ("valid_from", row.valid_from), ("valid_to", row.valid_to),
                ("voting_weight", row.voting_weight)])
            if not fields:
                return
            if row.valid_to != old_end:
                self.end_too_early(s.PARTNERS, row.row, org, row.valid_to,
                                   _("partner %(code)s") % {"code": org.code},
                                   _("Lid tot en met"), ignore={Membership, OrganisationRole},
                                   cooperative=self.coop)
            if not self.check(membership, s.PARTNERS, row.row,
                              exclude=["cooperative", "organisation"]):
                return
            action = Change.Action.CHANGED
        self.changes.append(Change(s.PARTNERS, row.code, row.name, action, fields))

        def write(membership=membership, org=org, row=row):
            membership.cooperative, membership.organisation = self.coop, org
            self.save(membership, s.PARTNERS, row.row)

        self.writes.append(write)

    def _remove_partner(self, org: Organisation, history: list[Membership]) -> None:
        refs = references(org, ignore={Membership, OrganisationRole}, cooperative=self.coop)
        if refs:
            self.error(s.PARTNERS, None, _(
                "partner %(code)s (%(name)s) staat niet meer in het werkboek, maar heeft "
                "%(refs)s in deze coöperatie; verwijderen zou de geschiedenis breken. Zet de "
                "partner terug en beëindig het lidmaatschap: vul 'Lid tot en met' in.") % {
                "code": org.code, "name": org.name, "refs": refs})
            return
        self.changes.append(Change(s.PARTNERS, org.code, org.name, Change.Action.REMOVED))
        self.removals.append(lambda: [self._delete(m) for m in history])

    # --- removing -------------------------------------------------------------------------

    def _remove(self, sheet: str, obj, ignore=(), instead: str = "") -> None:
        refs = references(obj, ignore=set(ignore))
        if refs:
            message = _("%(what)s %(code)s (%(name)s) staat niet meer in het werkboek, maar "
                        "heeft %(refs)s; verwijderen zou de geschiedenis breken.") % {
                "what": s.NOUNS[sheet], "code": obj.code, "name": obj.name, "refs": refs}
            self.error(sheet, None, f"{message} {instead}".strip())
            return
        self.changes.append(Change(sheet, obj.code, obj.name, Change.Action.REMOVED))
        self.removals.append(lambda: self._delete(obj))

    def _delete(self, obj) -> None:
        obj._history_user = self.actor
        obj._change_reason = self.reason
        obj.delete()


# --- what points at an object ----------------------------------------------------------------


def _related(obj, ignore: set, cooperative=None):
    """(model, queryset) of the records that point at `obj`, per relation."""
    for rel in obj._meta.related_objects:
        model = rel.related_model
        if model in ignore or getattr(model, "_meta", None) is None:
            continue
        records = model._base_manager.filter(**{rel.field.name: obj})
        if cooperative is not None:
            path = cooperative_path(model)
            if path is None:
                continue
            records = records.filter(**{path: cooperative})
        if model is PartnerBudget:
            # An empty draft holds nothing that removing the partner would orphan.
            records = records.exclude(status=PartnerBudget.Status.DRAFT, lines__isnull=True)
        yield model, records


def references(obj, *, ignore: set, cooperative=None) -> str:
    """'begrotingsregels (12), grootboekregels (12)': what would lose its link if `obj` went;
    empty when nothing does."""
    found = []
    for model, records in _related(obj, ignore, cooperative):
        count = records.count()
        if count:
            found.append(f"{model._meta.verbose_name_plural} ({count})")
    return ", ".join(found)


def _year_path(model) -> str | None:
    names = {f.name for f in model._meta.concrete_fields}
    if "year" in names:
        return "year"
    for target in (BudgetRound, LumpSumGrant):
        path = path_to(model, target)
        if path is not None:
            return f"{path}__year"
    return None


def last_year_with_data(obj, *, ignore: set = frozenset(), cooperative=None
                        ) -> tuple[int, str] | None:
    """The latest year in which records point at `obj`, and what they are."""
    best = None
    for model, records in _related(obj, set(ignore), cooperative):
        path = _year_path(model)
        if path is None:
            continue
        year = records.aggregate(last=Max(path))["last"]
        if year is not None and (best is None or year > best[0]):
            best = (year, str(model._meta.verbose_name_plural))
    return best


# --- formatting for the list of changes ----------------------------------------------------


def field_label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


_UNSET = object()


def field_text(obj, name: str, value=_UNSET) -> str:
    """A field's value as the preview shows it: choices by their label, dates as 24-11-2026,
    amounts with a decimal comma, related objects by their code."""
    field = obj._meta.get_field(name)
    value = getattr(obj, name) if value is _UNSET else value
    if field.choices and value is not None:
        return str(dict(field.flatchoices).get(value, value))
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, list):  # realisation's monthly percentages
        return "; ".join(str(v).replace(".", ",") for v in value)
    if isinstance(value, models.Model):
        return getattr(value, "code", str(value))
    return str(value)


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


# --- inhabitants from a CBS table -------------------------------------------------------------


@dataclass
class InhabitantsResult:
    changes: list[Change]
    unchanged: int
    kept: list[str]  # neighbourhoods without a figure in the table that keep the one they have
    same_municipality: list[str]  # codes in the table of the cooperative's municipalities
    elsewhere: int  # neighbourhoods of other municipalities in the table, left alone

    @property
    def digest(self) -> str:
        return changes_digest(self.changes)


def inhabitants_load(*, cooperative: Cooperative, year: int, table, actor, reason: str,
                     dry_run: bool = False, expected: str | None = None) -> InhabitantsResult:
    """Set the inhabitants in `year` of every neighbourhood of the cooperative that exists
    that year from a CBS table (cbs.CbsTable), matched by code. Every neighbourhood must be in
    the table with a figure; otherwise nothing is loaded and each one is named."""
    with transaction.atomic():
        policy.ensure(actor, "cooperative.configure", cooperative)
        Cooperative.objects.select_for_update().get(pk=cooperative.pk)
        if not 2000 <= year <= 2100:
            raise ValidationError(_("Kies een jaar tussen 2000 en 2100."))
        hoods = list(Neighbourhood.objects.filter(cooperative=cooperative).in_year(year)
                     .order_by("code"))
        if not hoods:
            raise ValidationError(_("Deze coöperatie heeft in %(year)s nog geen buurten; zet ze "
                                    "eerst in de structuur.") % {"year": year})
        current = {p.neighbourhood_id: p for p in Population.objects.filter(
            neighbourhood__in=hoods, year=year)}
        errors, changes, created, updated = [], [], [], []
        kept = []
        for hood in hoods:
            n = table.inhabitants.get(hood.code)
            if n is None and hood.pk in current:
                kept.append(hood.code)  # entered by hand: it stays
                continue
            if hood.code not in table.inhabitants:
                errors.append(_("Buurt %(code)s (%(name)s) staat niet in de tabel. Vul het "
                                "aantal inwoners in %(year)s eerst zelf in via het "
                                "structuurwerkboek; dat blijft dan staan.")
                              % {"code": hood.code, "name": hood.name, "year": year})
                continue
            if n is None:
                errors.append(_("%(where)s: de tabel geeft voor buurt %(code)s (%(name)s) geen "
                                "aantal inwoners ('.'). Vul het aantal in %(year)s eerst zelf "
                                "in via het structuurwerkboek; dat blijft dan staan.")
                              % {"where": where(table.sheet, table.rows[hood.code], "a_inw"),
                                 "code": hood.code, "name": hood.name, "year": year})
                continue
            population = current.get(hood.pk)
            label = _("inwoners %(year)s") % {"year": year}
            if population is None:
                created.append(Population(neighbourhood=hood, year=year, inhabitants=n))
                changes.append(Change(s.NEIGHBOURHOODS, hood.code, hood.name,
                                      Change.Action.CHANGED, ((label, "", _count(n)),)))
            elif population.inhabitants != n:
                changes.append(Change(s.NEIGHBOURHOODS, hood.code, hood.name,
                                      Change.Action.CHANGED,
                                      ((label, _count(population.inhabitants), _count(n)),)))
                population.inhabitants = n
                updated.append(population)
        if errors:
            raise ValidationError(errors)
        if expected is not None and changes_digest(changes) != expected:
            raise StaleStructure(_("De inwonertallen zijn intussen gewijzigd; er is niets "
                                   "opgeslagen. Upload de tabel opnieuw."))
        bulk_create_with_history(created, Population, batch_size=BATCH, default_user=actor,
                                 default_change_reason=reason)
        for population in updated:
            save_recorded(population, actor=actor, reason=reason)
        ours = {h.code for h in Neighbourhood.objects.filter(cooperative=cooperative)}
        municipalities = {code[2:6] for code in ours}
        others = sorted(set(table.inhabitants) - ours)
        same = [c for c in others if c[2:6] in municipalities]
        result = InhabitantsResult(changes, len(hoods) - len(changes) - len(kept), kept, same,
                                   len(others) - len(same))
        if dry_run:
            transaction.set_rollback(True)
    return result
