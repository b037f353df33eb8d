"""Attachments to a proposal: what a file is, by its content, never by its name.

Accepted: PDF, Excel workbooks (.xlsx), Word documents (.docx) and OpenDocument texts (.odt),
each at most DOCUMENT_MAX_BYTES (10 MB). The office formats are zip containers: their
directory is checked first by the one hardened reader's `open_zip` (size, parts, unpacked size
and ratio, encryption), then their content types say what they are. A file whose content is
not what its name says, or that carries macros, is refused with a Dutch message that quotes
the name as the user gave it.
"""

import hashlib
import math
from dataclasses import dataclass
from pathlib import PurePath, PureWindowsPath

from django.conf import settings
from django.utils.translation import gettext as _

from ..spreadsheets.archive import Limits, open_zip, read_small
from ..spreadsheets.errors import Refused

KINDS = {
    "pdf": ("application/pdf", "PDF"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (XLSX)"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "Word (DOCX)"),
    "odt": ("application/vnd.oasis.opendocument.text", "OpenDocument-tekst (ODT)"),
}
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
}
_MACROS = ("macroEnabled", "vbaProject")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, and password-protected files


@dataclass(frozen=True)
class Checked:
    kind: str  # a key of KINDS
    size: int
    sha256: str

    @property
    def content_type(self) -> str:
        return KINDS[self.kind][0]

    @property
    def label(self) -> str:
        return KINDS[self.kind][1]


def kind_label(kind: str) -> str:
    return KINDS[kind][1] if kind in KINDS else _("onbekend")


def base_name(filename: str) -> str:
    """The file's own name, without any folders a browser sent along (either slash)."""
    return PureWindowsPath(filename or "").name[:200]


def check(data: bytes, filename: str) -> Checked:
    """What the upload is, or Refused (Dutch) saying what is wrong with the file named so."""
    name = base_name(filename) or _("(zonder naam)")
    where = {"name": name}
    if not data:
        raise Refused(_("“%(name)s” is leeg.") % where)
    if len(data) > settings.DOCUMENT_MAX_BYTES:
        raise Refused(too_big_message(name, len(data)))
    named = PurePath(name).suffix.lower().lstrip(".")
    if named not in KINDS:
        raise Refused(_("“%(name)s”: alleen PDF-, XLSX-, DOCX- en ODT-bestanden kunnen als "
                        "bijlage worden toegevoegd.") % where)
    found = _content_kind(data, name)
    if found != named:
        raise Refused(_("“%(name)s” is geen %(named)s-bestand: de inhoud is %(found)s. Kies "
                        "het juiste bestand, of geef het de naam die bij de inhoud hoort.") % {
            **where, "named": named.upper(),
            "found": kind_label(found) if found else _("geen PDF, XLSX, DOCX of ODT")})
    return Checked(found, len(data), hashlib.sha256(data).hexdigest())


def too_big_message(filename: str, size: int) -> str:
    return _("“%(name)s” is %(size)s MB; een bijlage is hoogstens %(max)s MB.") % {
        "name": base_name(filename), "size": _megabytes(size),
        "max": _megabytes(settings.DOCUMENT_MAX_BYTES)}


def _megabytes(size: int) -> str:
    """Megabytes with one decimal, rounded up (so 10 MB and a byte shows as 10,1)."""
    tenths = math.ceil(size * 10 / (1024 * 1024))
    return str(tenths // 10) if tenths % 10 == 0 else f"{tenths // 10},{tenths % 10}"


def _content_kind(data: bytes, name: str) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(OLE_MAGIC):
        raise Refused(_("“%(name)s” is een oud Office-bestand (.doc of .xls) of heeft een "
                        "wachtwoord. Sla het op als DOCX, XLSX of PDF zonder wachtwoord.")
                      % {"name": name})
    if not data.startswith(b"PK"):
        return None
    limits = Limits(max_bytes=settings.DOCUMENT_MAX_BYTES).resolved()
    try:
        archive = open_zip(data, limits)
        if (read_small(archive, "mimetype", limits) or b"").strip() == KINDS["odt"][0].encode():
            return "odt"
        types = (read_small(archive, "[Content_Types].xml", limits) or b"").decode(
            "utf-8", "replace")
    except Refused:
        raise Refused(_("“%(name)s” is beschadigd of uitgepakt veel groter dan een document van "
                        "deze omvang kan zijn.") % {"name": name}) from None
    if any(marker in types for marker in _MACROS):
        raise Refused(_("“%(name)s” bevat macro's; sla het op zonder macro's (als .xlsx of "
                        ".docx).") % {"name": name})
    return next((kind for main, kind in _OOXML_MAIN.items() if main in types), None)
