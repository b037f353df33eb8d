"""The reader's Dutch messages, and where in a file something is wrong."""

from django.utils.translation import gettext as _


class Refused(Exception):
    """The file as a whole cannot be read; `messages` say why, in Dutch."""

    def __init__(self, *messages: str):
        super().__init__("\n".join(messages))
        self.messages = list(messages)


def where(sheet: str, row: int | None = None, column: str | None = None) -> str:
    """'Blad Begroting, rij 3, kolom Bedrag': the place every message about a cell starts
    with. `column` is the header's name (or a letter where the sheet has no header)."""
    if row is None:
        return _("Blad %(sheet)s") % {"sheet": sheet}
    if column is None:
        return _("Blad %(sheet)s, rij %(row)s") % {"sheet": sheet, "row": row}
    return _("Blad %(sheet)s, rij %(row)s, kolom %(column)s") % {
        "sheet": sheet, "row": row, "column": column}


def not_valid() -> Refused:
    return Refused(_("Dit is geen geldig bestand: alleen een Excel-werkmap (.xlsx) of een "
                     "LibreOffice-rekenblad (.ods), zoals het sjabloon, kan worden ingelezen. "
                     "Dit bestand is dat niet, of het is beschadigd."))


def out_of_proportion() -> Refused:
    return Refused(_("Dit is geen geldig bestand: uitgepakt is het veel groter dan een "
                     "werkmap van deze omvang kan zijn. Gebruik het sjabloon, of sla het bestand "
                     "opnieuw op in Excel of LibreOffice."))


def has_macros() -> Refused:
    return Refused(_("Dit bestand bevat macro's (zoals een .xlsm-bestand). Bestanden met "
                     "macro's lezen we niet in: sla het op als Excel-werkmap (.xlsx) of als "
                     ".ods zonder macro's en upload het opnieuw."))


def locked_or_old() -> Refused:
    return Refused(_("Dit is een oud Excel-bestand (.xls) of een bestand met een wachtwoord. "
                     "Sla het op als Excel-werkmap (.xlsx) zonder wachtwoord en upload het "
                     "opnieuw."))


def empty_file() -> Refused:
    return Refused(_("Het bestand is leeg."))


def too_big(max_bytes: int) -> Refused:
    if max_bytes < 1024 * 1024:
        return Refused(_("Het bestand is groter dan %(kb)s kB.") % {"kb": max_bytes // 1024})
    return Refused(_("Het bestand is groter dan %(mb)s MB.") % {"mb": max_bytes // (1024 * 1024)})


def too_many_rows(sheet: str, max_rows: int) -> Refused:
    return Refused(_("Het blad %(sheet)s heeft meer dan %(max)s rijen; splits het bestand.") % {
        "sheet": sheet, "max": f"{max_rows:,}".replace(",", ".")})


def too_many_cells(sheet: str) -> Refused:
    return Refused(_("Het blad %(sheet)s heeft meer gevulde cellen dan een upload kan "
                     "bevatten; splits het bestand.") % {"sheet": sheet})
