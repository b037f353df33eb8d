"""Checks on a report as a spreadsheet program shows it: every total equal to the ledger by the
same dimensions, to the cent. The sheets come as rows of values, from openpyxl (saved values)
or from LibreOffice's CSV export, so both are held to the same figures."""

import csv
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from budgets.ledger import balance, totals
from budgets.models import AllocationPlan, LedgerEntry, LumpSumGrant, PartnerBudget
from reports.builders.allocation import grant_labels

CENT = Decimal("0.01")
NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")


def number(value) -> Decimal | None:
    """A cell's number as an exact Decimal (floats via their shortest repr), else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return Decimal(repr(value))
    if isinstance(value, str) and NUMBER.match(value.strip()):
        return Decimal(value.strip())
    return None


def cents(value) -> Decimal:
    n = number(value)
    assert n is not None, f"geen getal: {value!r}"
    return n.quantize(CENT)


def sheets_from_openpyxl(workbook) -> dict[str, list[list]]:
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)]
            for ws in workbook.worksheets}


def sheets_from_csv(folder: Path, stem: str, names: list[str]) -> dict[str, list[list]]:
    """LibreOffice writes one CSV per sheet, `<file>-<sheet>.csv`."""
    sheets = {}
    for name in names:
        path = folder / f"{stem}-{name}.csv"
        if path.exists():
            with path.open(newline="", encoding="utf-8") as f:
                sheets[name] = [[c if c != "" else None for c in row] for row in csv.reader(f)]
    return sheets


class Table:
    """One sheet's table: header, data rows, and its (sub)total rows with what they sum."""

    def __init__(self, rows: list[list]):
        rows = [r for r in rows if any(c not in (None, "") for c in r)]
        filled = [c for c in rows[0] if c not in (None, "")] if rows else []
        start = 0 if len(filled) > 1 else next(
            i for i, r in enumerate(rows) if sum(c not in (None, "") for c in r) > 1)
        self.header = [c or "" for c in rows[start]]
        self.rows, self.totals = [], []  # totals: (label, total row, the rows it sums)
        section = []
        for row in rows[start + 1:]:
            row = list(row) + [None] * (len(self.header) - len(row))
            label = row[0] if isinstance(row[0], str) else ""
            if label == "Totaal" or label.startswith("Subtotaal "):
                self.totals.append((label, row, section))
                section = []
            else:
                self.rows.append(row)
                section.append(row)

    def col(self, header: str) -> int:
        return self.header.index(header)

    def total(self, header: str) -> Decimal:
        grand = [t for t in self.totals if t[0] == "Totaal"]
        assert len(grand) == 1, f"één totaalregel verwacht, gevonden: {[t[0] for t in self.totals]}"
        return cents(grand[0][1][self.col(header)])

    def by(self, key_header: str, value_header: str) -> dict:
        """Sum of a column per value of another, from the data rows."""
        sums = defaultdict(Decimal)
        k, v = self.col(key_header), self.col(value_header)
        for row in self.rows:
            if number(row[v]) is not None:
                sums[row[k] or ""] += number(row[v])
        return {key: value.quantize(CENT) for key, value in sums.items()}


class Checker:
    """Counts what it compares; fails on the first difference, naming it."""

    def __init__(self, name: str):
        self.name, self.count = name, 0

    def equal(self, what: str, shown, ledger) -> None:
        self.count += 1
        shown = shown.quantize(CENT) if isinstance(shown, Decimal) else shown
        assert shown == ledger, f"{self.name}: {what}: het bestand toont {shown}, het grootboek {ledger}"

    def each(self, what: str, shown: dict, ledger: dict) -> None:
        zero = Decimal("0.00")
        for key in set(shown) | set(ledger):
            self.equal(f"{what} {key}", shown.get(key, zero), ledger.get(key, zero))

    def sections(self, table: Table, sheet: str) -> None:
        """Every (sub)total is the sum of the rows above it, in every total column."""
        for label, total, section in table.totals:
            for i, cell in enumerate(total):
                if i == 0 or number(cell) is None:
                    continue
                summed = sum((number(r[i]) or Decimal(0) for r in section), Decimal(0))
                self.equal(f"{sheet}, {label}, {table.header[i]}", cents(cell), summed.quantize(CENT))


def ledger_by(cooperative, year, kind: str, *fields: str) -> dict:
    entries = LedgerEntry.objects.filter(cooperative=cooperative, year=year, kind=kind)
    out = {}
    for row in totals(entries, *fields):
        key = tuple(row[f] or "" for f in fields)
        out[key[0] if len(key) == 1 else key] = row["total"]
    return out


def ledger_total(cooperative, year, kind=None) -> Decimal:
    entries = LedgerEntry.objects.filter(cooperative=cooperative, year=year)
    if kind:
        entries = entries.filter(kind=kind)
    return balance(entries)


def check_report(slug: str, sheets: dict, cooperative, year: int) -> int:
    """Every total of report `slug` against the ledger; returns the number of comparisons."""
    check = Checker(f"{slug} {cooperative.code} {year}")
    for name, rows in sheets.items():
        if name not in ("Over dit rapport", "Grafiek") and rows:
            check.sections(Table(rows), name)
    CHECKS.get(slug, lambda *a: None)(check, sheets, cooperative, year)
    return check.count


def _pooled(check, sheets, coop, year):
    contribution = LedgerEntry.Kind.CONTRIBUTION
    for sheet, dim in (("Per buurt en partner", "organisation__name"),
                       ("Per buurt en stroom", "funding_stream__name")):
        table = Table(sheets[sheet])
        check.equal(f"{sheet} Totaal {year}", table.total(f"Totaal {year}"),
                    ledger_total(coop, year, contribution))
        check.equal(f"{sheet} Totaal {year - 1}", table.total(f"Totaal {year - 1}"),
                    ledger_total(coop, year - 1, contribution))
        by_column = ledger_by(coop, year, contribution, dim)
        names = table.header[2:table.col(f"Totaal {year}")]
        check.each(f"{sheet} kolom", {n: table.total(n) for n in names}, by_column)
        cells = ledger_by(coop, year, contribution, "neighbourhood__code", dim)
        shown = {(r[0], n): cents(r[table.col(n)]) for r in table.rows for n in names}
        check.each(f"{sheet} buurt × kolom", shown, cells)
        check.each(f"{sheet} buurt", table.by("Buurtcode", f"Totaal {year}"),
                   ledger_by(coop, year, contribution, "neighbourhood__code"))
        check.each(f"{sheet} buurt {year - 1}", table.by("Buurtcode", f"Totaal {year - 1}"),
                   ledger_by(coop, year - 1, contribution, "neighbourhood__code"))
    areas = Table(sheets["Per gebied"])
    check.each("Per gebied", areas.by("Gebied", f"Totaal {year}"),
               ledger_by(coop, year, contribution, "neighbourhood__area__code"))
    check.equal("Per gebied Totaal", areas.total(f"Totaal {year}"),
                ledger_total(coop, year, contribution))


def _allocation(check, sheets, coop, year):
    allocation = LedgerEntry.Kind.ALLOCATION
    grants = LumpSumGrant.objects.filter(cooperative=coop, year=year)
    check.equal("Lumpsums", Table(sheets["Lumpsums"]).total("Bedrag"),
                sum((g.amount for g in grants), Decimal("0.00")))
    in_force = grants.filter(plans__status=AllocationPlan.Status.ADOPTED)
    check.equal("Lumpsums in werking", sum((g.amount for g in in_force), Decimal("0.00")),
                -ledger_total(coop, year, LedgerEntry.Kind.GRANT))
    lines = Table(sheets["Verdeling"])
    check.equal("Verdeling", lines.total("Bedrag"), ledger_total(coop, year, allocation))
    shown = defaultdict(Decimal)
    for row in lines.rows:
        assert row[lines.col("Status")] == AllocationPlan.Status.ADOPTED.label
        shown[(row[lines.col("Partner")], row[lines.col("Buurtcode")] or "")] += cents(
            row[lines.col("Bedrag")])
    check.each("Verdeling partner × buurt", dict(shown),
               ledger_by(coop, year, allocation, "organisation__name", "neighbourhood__code"))
    tranches = Table(sheets["Voorschotten"])
    check.equal("Voorschotten", tranches.total("Bedrag"), ledger_total(coop, year, allocation))
    check.each("Voorschotten per partner", tranches.by("Partner", "Bedrag"),
               ledger_by(coop, year, allocation, "organisation__name"))
    # Other versions: each has its own subtotal (a whole split of its grant), no grand total.
    amounts = {grant_labels(grants)[g.pk]: g.amount for g in grants}
    for sheet in ("Verdeling andere versies", "Voorschotten andere versies"):
        table = Table(sheets[sheet])
        assert not [t for t in table.totals if t[0] == "Totaal"], sheet
        for label, row, _section in table.totals:
            funder = label.removeprefix("Subtotaal ").split(", versie")[0]
            check.equal(f"{sheet} {label}", cents(row[table.col("Bedrag")]), amounts[funder])


def _staff(check, sheets, coop, year):
    in_kind = LedgerEntry.Kind.IN_KIND
    table = Table(sheets["Inbreng in natura"])
    check.equal("Inbreng in natura", table.total("In het grootboek"),
                ledger_total(coop, year, in_kind))
    ledger = ledger_by(coop, year, in_kind, "organisation__name")
    check.each("Inbreng in natura per partner", table.by("Partner", "In het grootboek"), ledger)
    submitted = {r[0] for r in table.rows
                 if r[table.col("Status begroting")] == PartnerBudget.Status.SUBMITTED.label}
    check.each("Waarde van ingediende begrotingen",
               {k: v for k, v in table.by("Partner", "Waarde").items() if k in submitted},
               {k: v for k, v in ledger.items() if k in submitted})
    commitments = Table(sheets["Inzet per partner"])
    check.each("Inzet per partner", commitments.by("Partner", "Waarde"),
               {k: v for k, v in table.by("Partner", "Waarde").items() if v})


def _ledger(check, sheets, coop, year):
    table = Table(sheets["Grootboek"])
    check.equal("Grootboek", table.total("Bedrag"), ledger_total(coop, year))
    entries = LedgerEntry.objects.filter(cooperative=coop, year=year)
    labels = dict(LedgerEntry.Kind.choices)
    check.each("Grootboek per soort", table.by("Soort regel", "Bedrag"),
               {str(labels[r["kind"]]): r["total"] for r in totals(entries, "kind")})
    check.each("Grootboek per partner", table.by("Partner", "Bedrag"),
               {r["organisation__name"] or "": r["total"]
                for r in totals(entries, "organisation__name")})


def _realisation(check, sheets, coop, year):
    from budgets.realisation import selectors

    contribution, realisation = LedgerEntry.Kind.CONTRIBUTION, LedgerEntry.Kind.REALISATION
    budget_round = coop.budget_rounds.get(year=year)
    periods = selectors.round_periods(budget_round)
    through = selectors.default_through(periods)
    to_date = LedgerEntry.objects.filter(cooperative=coop, year=year, kind=realisation,
                                         period__number__lte=through.number if through else 0)
    for sheet, key, dim in (("Per partner", "Code", "organisation__code"),
                            ("Per gebied", "Code", "neighbourhood__area__code"),
                            ("Per stroom", "Code", "funding_stream__code"),
                            ("Per buurt", "Code", "neighbourhood__code")):
        table = Table(sheets[sheet])
        check.equal(f"{sheet} begroting", table.total("Begroting"),
                    ledger_total(coop, year, contribution))
        check.equal(f"{sheet} realisatie", table.total("Realisatie tot nu toe"),
                    balance(to_date))
        check.each(f"{sheet} begroting per {key}",
                   {k: v for k, v in table.by(key, "Begroting").items() if v},
                   ledger_by(coop, year, contribution, dim))
        check.each(f"{sheet} realisatie per {key}",
                   {k: v for k, v in table.by(key, "Realisatie tot nu toe").items() if v},
                   {r[dim] or "": r["total"] for r in totals(to_date, dim)})
    per_period = Table(sheets["Per periode"])
    check.equal("Per periode", per_period.total("Totaal"), ledger_total(coop, year, realisation))
    check.each("Per periode per periode", {p.label: per_period.total(p.label) for p in periods},
               {p.label: balance(LedgerEntry.objects.filter(period=p, kind=realisation))
                for p in periods})


CHECKS = {"pooled-budget": _pooled, "allocation": _allocation, "staff": _staff,
          "ledger": _ledger, "realisation": _realisation}


def _decisions(check, sheets, coop, year):
    from cooperatie.governance.models import Decision, ProposalDocument, Vote

    decisions = Decision.objects.filter(cooperative=coop, year=year)
    table = Table(sheets["Besluiten"])
    for header, field in (("Voor", "votes_for"), ("Tegen", "votes_against"),
                          ("Onthouding", "votes_abstain"), ("Belangenconflict", "votes_conflicted"),
                          ("Bij volmacht", "votes_by_proxy")):
        check.equal(f"Besluiten {header}", table.total(header),
                    Decimal(sum(getattr(d, field) for d in decisions)).quantize(CENT))
    check.equal("Besluiten", len(table.rows), decisions.count())
    check.equal("Stemmen", len(Table(sheets["Stemmen"]).rows),
                Vote.objects.filter(proposal__decision__in=decisions).count())
    check.equal("Bijlagen", len(Table(sheets["Bijlagen"]).rows),
                ProposalDocument.objects.filter(proposal__decision__in=decisions).count())


CHECKS["decisions"] = _decisions


def _annual_account(check, sheets, coop, year):
    kind = LedgerEntry.Kind
    grants = Table(sheets["Lumpsums"])
    check.equal("Lumpsums Verleend", grants.total("Verleend"), -ledger_total(coop, year, kind.GRANT))
    for header, entry_kind in (("Toegewezen", kind.ALLOCATION), ("Betaald", kind.ADVANCE),
                               ("Naar (+) of uit (−) de reserve", kind.RESERVE),
                               ("Terug naar de financier", kind.REFUND)):
        check.equal(f"Lumpsums {header}", grants.total(header), ledger_total(coop, year, entry_kind))
    settled_allocation = sum((cents(r[grants.col("Toegewezen")]) for r in grants.rows
                              if number(r[grants.col("Vastgesteld")]) is not None), Decimal("0.00"))
    check.equal("Lumpsums Vastgesteld", grants.total("Vastgesteld"),
                settled_allocation + ledger_total(coop, year, kind.SETTLEMENT))
    partners = Table(sheets["Per partner"])
    for header, entry_kind in (("Toegewezen", kind.ALLOCATION), ("Betaald", kind.ADVANCE),
                               ("Verschil met de toewijzing", kind.SETTLEMENT)):
        check.each(f"Per partner {header}", partners.by("Partner", header),
                   ledger_by(coop, year, entry_kind, "organisation__name"))
        check.equal(f"Per partner {header} totaal", partners.total(header),
                    ledger_total(coop, year, entry_kind))
    payments = Table(sheets["Betalingen"])
    check.equal("Betalingen", payments.total("Bedrag"), ledger_total(coop, year, kind.ADVANCE))
    check.each("Betalingen per partner", payments.by("Partner", "Bedrag"),
               ledger_by(coop, year, kind.ADVANCE, "organisation__name"))
    reserve = Table(sheets["Reserve"])
    check.equal("Reserve tot en met het jaar", reserve.total("Bedrag"), balance(
        LedgerEntry.objects.filter(cooperative=coop, kind=kind.RESERVE, year__lte=year)))


CHECKS["annual-account"] = _annual_account
