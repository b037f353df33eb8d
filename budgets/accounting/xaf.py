"""The year's ledger as an XML Auditfile Financieel 3.2 (namespace http://www.auditfiles.nl/XAF/3.2),
the Dutch standard an accountant or accounting package (AFAS, Exact, Twinfield) reads.

Written as a stream (XMLGenerator escapes every text): the header totals come from a first
pass over the postings, the transactions from a second, so memory stays flat at any size.
Accounts go in `generalLedger`, the twelve months in `periods`, and one `journal` per kind of
posting with a `transaction` per ledger transaction; a line's cost centre is its `costID`,
its funding stream's cost unit its `projID`.
"""

import calendar
from datetime import date
from xml.sax.saxutils import XMLGenerator

from django.utils import timezone

from . import postings as p

NAMESPACE = "http://www.auditfiles.nl/XAF/3.2"
SOFTWARE = "Samen begroten"
VERSION = "0.1"
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december"]


class _Writer:
    def __init__(self, out):
        self.xml = XMLGenerator(out, encoding="UTF-8", short_empty_elements=True)

    def start(self, name, attrs=None):
        self.xml.startElement(name, attrs or {})

    def end(self, name):
        self.xml.endElement(name)

    def leaf(self, name, value):
        self.xml.startElement(name, {})
        self.xml.characters(str(value))
        self.xml.endElement(name)


def amount(value) -> str:
    return f"{abs(value):.2f}"


def write(out, cooperative, year: int, up_to: int | None, progress=lambda n: None
          ) -> p.Totals:
    """Write the auditfile to the binary file `out`; returns its totals."""
    mapping = p.Mapping(cooperative)
    totals = p.totals(cooperative, year, up_to)
    w = _Writer(out)
    w.xml.startDocument()
    w.start("auditfile", {"xmlns": NAMESPACE})
    w.start("header")
    w.leaf("fiscalYear", year)
    w.leaf("startDate", date(year, 1, 1).isoformat())
    w.leaf("endDate", date(year, 12, 31).isoformat())
    w.leaf("curCode", "EUR")
    w.leaf("dateCreated", timezone.localdate().isoformat())
    w.leaf("softwareDesc", SOFTWARE)
    w.leaf("softwareVersion", VERSION)
    w.end("header")
    w.start("company")
    w.leaf("companyIdent", cooperative.code[:35])
    w.leaf("companyName", cooperative.name)
    w.leaf("taxRegistrationCountry", "NL")
    w.leaf("taxRegIdent", "")
    _general_ledger(w, mapping)
    _periods(w, year)
    w.start("transactions")
    w.leaf("linesCount", totals.lines)
    w.leaf("totalDebit", amount(totals.debit))
    w.leaf("totalCredit", amount(totals.credit))
    _journals(w, cooperative, year, up_to, progress)
    w.end("transactions")
    w.end("company")
    w.end("auditfile")
    w.xml.endDocument()
    return totals


def _general_ledger(w, mapping):
    w.start("generalLedger")
    for account in mapping.accounts():
        w.start("ledgerAccount")
        w.leaf("accID", account.code)
        w.leaf("accDesc", account.name)
        w.leaf("accTp", account.type)
        w.end("ledgerAccount")
    w.end("generalLedger")


def _periods(w, year):
    w.start("periods")
    for month in range(1, 13):
        last = calendar.monthrange(year, month)[1]
        w.start("period")
        w.leaf("periodNumber", month)
        w.leaf("periodDesc", f"{MONTHS[month - 1]} {year}")
        w.leaf("startDatePeriod", date(year, month, 1).isoformat())
        w.leaf("endDatePeriod", date(year, month, last).isoformat())
        w.end("period")
    w.end("periods")


def _journals(w, cooperative, year, up_to, progress):
    """One journal per kind of posting; the postings come grouped by journal."""
    rows, journal = 0, None
    for posting in p.postings(cooperative, year, up_to):
        if posting.journal != journal:
            if journal is not None:
                w.end("journal")
            journal = posting.journal
            code, description = p.JOURNALS[journal]
            w.start("journal")
            w.leaf("jrnID", code)
            w.leaf("desc", description)
            w.leaf("jrnTp", "M")  # memoriaal
        _transaction(w, posting)
        rows += len(posting.lines)
        progress(rows)
    if journal is not None:
        w.end("journal")


def _transaction(w, posting: p.Posting):
    tx = posting.transaction
    w.start("transaction")
    w.leaf("nr", tx.pk)
    w.leaf("desc", tx.description)
    w.leaf("periodNumber", posting.period)
    w.leaf("trDt", posting.day.isoformat())
    w.leaf("sourceID", tx.posted_by.username[:35])
    for line in posting.lines:
        w.start("trLine")
        w.leaf("nr", line.nr)
        w.leaf("accID", line.account.code)
        w.leaf("docRef", f"{tx.source_type}-{tx.source_id}")
        w.leaf("effDate", posting.day.isoformat())
        w.leaf("desc", line.description)
        w.leaf("amnt", amount(line.amount))
        w.leaf("amntTp", line.side)
        if line.cost_centre:
            w.leaf("costID", line.cost_centre)
        if line.cost_unit:
            w.leaf("projID", line.cost_unit)
        w.end("trLine")
    w.end("transaction")
