"""What a cooperative's structure should be, as read from the structure workbook (or built in
code), and the changes that applying it makes. Plain data: no database here.

Each row remembers where it came from (sheet and row), so that a problem found while applying
names the place in the workbook. A list left as None means: that part is not given, keep it.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Sheet names are part of the workbook's contract (README); they stay Dutch in every language.
COOPERATIVE = "Coöperatie"
AREAS = "Gebieden"
NEIGHBOURHOODS = "Buurten"
TEAMS = "Teams"
PARTNERS = "Partners"
STREAMS = "Financieringsstromen"
EXPERTISES = "Expertises"
SHEETS = [COOPERATIVE, AREAS, NEIGHBOURHOODS, TEAMS, PARTNERS, STREAMS, EXPERTISES]

# What an object is called in a message, per sheet.
NOUNS = {
    COOPERATIVE: gettext_lazy("coöperatie"), AREAS: gettext_lazy("gebied"),
    NEIGHBOURHOODS: gettext_lazy("buurt"), TEAMS: gettext_lazy("team"),
    PARTNERS: gettext_lazy("partner"), STREAMS: gettext_lazy("financieringsstroom"),
    EXPERTISES: gettext_lazy("expertise"),
}


DEFAULT_WEIGHT = Decimal("1.00")


def where(sheet: str, row: int | None = None, column: str | None = None) -> str:
    """'Blad Buurten, rij 4, kolom Gebied', as far as it is known."""
    if row is None:
        return _("Blad %(sheet)s") % {"sheet": sheet}
    if column is None:
        return _("Blad %(sheet)s, rij %(row)s") % {"sheet": sheet, "row": row}
    return _("Blad %(sheet)s, rij %(row)s, kolom %(column)s") % {
        "sheet": sheet, "row": row, "column": column}


@dataclass
class CooperativeRow:
    code: str
    name: str
    municipality: str = ""
    row: int | None = None


@dataclass
class AreaRow:
    code: str
    name: str
    row: int | None = None


@dataclass
class NeighbourhoodRow:
    code: str
    name: str
    area: str  # area code
    ended_on: date | None = None
    inhabitants: dict[int, int] = field(default_factory=dict)  # a year left out: unchanged
    row: int | None = None


@dataclass
class TeamRow:
    code: str
    name: str
    kind: str  # Team.Kind value
    area: str
    neighbourhoods: list[str] = field(default_factory=list)  # codes
    ended_on: date | None = None
    row: int | None = None


@dataclass
class PartnerRow:
    code: str
    name: str
    kvk_number: str
    kind: str  # Organisation.Kind value
    valid_from: date
    valid_to: date | None = None
    voting_weight: Decimal = DEFAULT_WEIGHT
    row: int | None = None


@dataclass
class StreamRow:
    code: str
    name: str
    law: str  # FundingStream.Law value
    taakveld: str = ""
    row: int | None = None


@dataclass
class ExpertiseRow:
    code: str
    name: str
    row: int | None = None


@dataclass
class Structure:
    cooperative: CooperativeRow | None = None
    areas: list[AreaRow] | None = None
    neighbourhoods: list[NeighbourhoodRow] | None = None
    teams: list[TeamRow] | None = None
    partners: list[PartnerRow] | None = None
    streams: list[StreamRow] | None = None
    expertises: list[ExpertiseRow] | None = None


@dataclass(frozen=True)
class Change:
    """One object that changes: created, changed (field by field, old → new), ended or
    removed."""

    class Action:
        NEW = "new"
        CHANGED = "changed"
        REMOVED = "removed"

    sheet: str
    code: str
    name: str
    action: str
    fields: tuple[tuple[str, str, str], ...] = ()  # (label, old, new)

    @property
    def action_label(self) -> str:
        return {self.Action.NEW: _("nieuw"), self.Action.CHANGED: _("gewijzigd"),
                self.Action.REMOVED: _("verwijderd")}[self.action]

    def describe(self) -> str:
        """One line for a terminal: 'Buurten BU04840101 Ridderveld: gewijzigd (naam: a → b)'."""
        details = "; ".join(f"{label}: {old or '–'} → {new or '–'}"
                            for label, old, new in self.fields)
        text = f"{self.sheet} {self.code} {self.name}: {self.action_label}"
        return f"{text} ({details})" if details else text
