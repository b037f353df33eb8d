"""An uploaded workbook between its preview and the director's confirmation.

The preview reads and checks the workbook once (budgets.excel.read_upload, then the import's
dry run); what it read is kept on the server (cooperatie.spreadsheets.pending: DATA_DIR/uploads,
at most UPLOAD_PREVIEW_HOURS) under a random token, with the user, the budget and its version,
and the file's checksum. Confirming takes it, once, and imports it without reading the
workbook again; a token that is not this user's, for this budget and this file, is refused.
"""

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from cooperatie import spreadsheets as ss
from cooperatie.models import Neighbourhood

from .excel import Upload
from .models import FundingStream, PartnerBudget
from .services import LineInput

FORMAT = 1


class NotKept(Exception):
    """The upload cannot be confirmed; `message` says why, in Dutch."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def expired() -> NotKept:
    return NotKept(_("Deze upload is verlopen; upload het bestand opnieuw."))


def foreign() -> NotKept:
    return NotKept(_("Deze bevestiging hoort niet bij uw laatste upload voor deze begroting; er "
                     "is niets ingelezen. Upload het bestand opnieuw."))


@dataclass
class Kept:
    token: str
    checksum: str
    name: str
    version: int  # the budget's version the preview compared with
    upload: Upload


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def keep(upload: Upload, *, data: bytes, budget: PartnerBudget, actor, name: str) -> Kept:
    """Keep a checked upload (no errors) for its confirmation."""
    assert not upload.errors
    record = {
        "format": FORMAT, "checksum": checksum(data), "name": name, "user": actor.pk,
        "round": budget.budget_round_id, "organisation": budget.organisation_id,
        "budget": budget.pk, "version": budget.version,
        "rows": [[r.neighbourhood.pk, r.funding_stream.pk,
                  None if r.amount is None else str(r.amount), r.note, r.formula]
                 for r in upload.rows],
        "staff": None if upload.staff is None else upload.staff.plain(),
    }
    token = ss.pending.stash(json.dumps(record, separators=(",", ":")).encode())
    return Kept(token, record["checksum"], name, budget.version, upload)


def peek(token, *, budget: PartnerBudget, actor, checksum: str | None = None) -> Kept:
    """The kept upload (it stays kept), or NotKept."""
    return _kept(token, ss.pending.fetch(token), budget, actor, checksum)


def take(token, *, budget: PartnerBudget, actor, checksum: str) -> Kept:
    """The kept upload, taken away: a second confirmation finds nothing. Checked before it is
    taken, so that a foreign token leaves someone else's upload alone."""
    peek(token, budget=budget, actor=actor, checksum=checksum)
    return _kept(token, ss.pending.claim(token), budget, actor, checksum)


def drop(token) -> None:
    ss.pending.discard(token)


def _kept(token, data: bytes | None, budget, actor, wanted: str | None) -> Kept:
    if data is None:
        raise expired()
    try:
        record = json.loads(data)
    except ValueError:
        raise expired() from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise expired()
    mine = (actor.pk, budget.budget_round_id, budget.organisation_id, budget.pk)
    if (record["user"], record["round"], record["organisation"], record["budget"]) != mine:
        raise foreign()
    if wanted is not None and wanted != record["checksum"]:
        raise foreign()
    return Kept(token, record["checksum"], record["name"], record["version"],
                _upload(record, budget))


def _upload(record: dict, budget: PartnerBudget) -> Upload:
    """The rows and staff as read, with this cooperative's neighbourhoods and streams."""
    rnd = budget.budget_round
    hoods = Neighbourhood.objects.filter(cooperative_id=rnd.cooperative_id).in_bulk()
    streams = FundingStream.objects.filter(cooperative_id=rnd.cooperative_id).in_bulk()
    upload = Upload()
    try:
        upload.rows = [LineInput(hoods[h], streams[s], None if a is None else Decimal(a), note,
                                 formula) for h, s, a, note, formula in record["rows"]]
        if record["staff"] is not None:
            from partners.excel import InzetChanges

            upload.staff = InzetChanges.from_plain(record["staff"], budget_round=rnd,
                                                   organisation=budget.organisation)
    except KeyError:  # a neighbourhood, stream or team removed since the preview
        raise expired() from None
    return upload


PREVIEW_CHANGES = 50  # shown on the preview page; the full list is a download


@dataclass
class Summary:
    created: int
    changed: int
    removed: int
    old_total: Decimal
    new_total: Decimal

    @property
    def count(self) -> int:
        return self.created + self.changed + self.removed

    @property
    def difference(self) -> Decimal:
        return self.new_total - self.old_total


def summary(budget: PartnerBudget, changes) -> Summary:
    """How many lines the upload adds, changes and removes, and the budget's total before and
    after."""
    from django.db.models import Sum

    old_total = Decimal("0.00")
    if budget.pk:
        old_total = budget.lines.aggregate(total=Sum("amount"))["total"] or old_total
    created = sum(1 for c in changes if c.old_amount is None)
    removed = sum(1 for c in changes if c.new_amount is None)
    delta = sum(((c.new_amount or 0) - (c.old_amount or 0) for c in changes), Decimal("0.00"))
    return Summary(created, len(changes) - created - removed, removed, old_total,
                   old_total + delta)
