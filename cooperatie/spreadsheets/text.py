"""Codes and notes from a cell (or a form): invisible characters never reach the database.

Zero-width and control characters are stripped from both; characters that turn the reading
direction around (bidi overrides and isolates, the "Trojan Source" trick) are stripped from a
code, which must match a known code anyway, and refused in a note, where removing them would
silently change what the text says."""

import re

from django.utils.translation import gettext as _

from .cells import Cell

BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u180e\u061c]")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_code(text: str) -> str:
    text = BIDI.sub("", INVISIBLE.sub("", CONTROL.sub("", text)))
    return text.replace("\u00a0", " ").strip()


def clean_note(text: str) -> str:
    """Raises ValueError (Dutch) for a note that hides a change of reading direction."""
    found = BIDI.search(text)
    if found:
        raise ValueError(_("bevat een onzichtbaar teken dat de leesrichting van de tekst "
                           "omdraait (U+%(code)04X); haal het weg.") % {"code": ord(found[0])})
    return INVISIBLE.sub("", CONTROL.sub("", text.replace("\r\n", "\n"))).strip()


def _text(cell: Cell) -> str:
    if cell.formula:
        raise ValueError(_("bevat een formule (%(formula)s); typ de tekst zelf in.") % {
            "formula": cell.formula})
    if cell.kind == "error":
        raise ValueError(_("bevat een fout (%(error)s).") % {"error": cell.value})
    if cell.value is None:
        return ""
    return cell.value if cell.kind == "text" else cell.shown()


def read_code(cell: Cell) -> str:
    """The code in a cell: text as typed, a number typed as a code (1234) as its digits."""
    return clean_code(_text(cell))


def read_note(cell: Cell, *, max_length: int) -> str:
    note = clean_note(_text(cell))
    if len(note) > max_length:
        raise ValueError(_("de toelichting is langer dan %(max)s tekens.") % {"max": max_length})
    return note
