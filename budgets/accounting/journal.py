"""The year's ledger as a CSV journal (memoriaal) for an accounting package's import (AFAS
"Financiële mutaties", Exact "Memoriaal boekingen"): one row per posting line, the same
postings as the auditfile.

Dutch conventions, as those imports expect by default: `;` between fields, amounts with a
decimal comma and no thousands separator (`1234,50`), dates as 31-12-2026, UTF-8 with a BOM so
Excel opens it right. A text that starts with = + - @ gets a leading apostrophe, so no
spreadsheet ever runs it as a formula.
"""

import csv
import io

from . import postings as p

COLUMNS = ["Dagboek", "Boekstuknummer", "Datum", "Periode", "Grootboekrekening",
           "Omschrijving", "Debet", "Credit", "Kostenplaats", "Kostendrager", "Referentie",
           "Regel"]


def money(value) -> str:
    return f"{value:.2f}".replace(".", ",")


def text(value: str) -> str:
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


def write(out, cooperative, year: int, up_to: int | None, progress=lambda n: None
          ) -> p.Totals:
    """Write the journal to the binary file `out`; returns its totals."""
    stream = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    rows = csv.writer(stream, delimiter=";", lineterminator="\r\n")
    rows.writerow(COLUMNS)
    totals = p.Totals()
    for posting in p.postings(cooperative, year, up_to):
        tx = posting.transaction
        for line in posting.lines:
            rows.writerow([
                p.JOURNALS[posting.journal][0], tx.pk, posting.day.strftime("%d-%m-%Y"),
                posting.period, line.account.code, text(f"{tx.description} – {line.description}"),
                money(line.amount) if line.amount >= 0 else "",
                money(-line.amount) if line.amount < 0 else "",
                line.cost_centre, line.cost_unit, f"{tx.source_type}-{tx.source_id}", line.nr,
            ])
        totals.add(posting)
        progress(totals.lines)
    stream.flush()
    stream.detach()
    return totals
