"""The quadruple aim per scope and period, with targets and status. Values based on too few
respondents are never written as a number."""

from django.utils.translation import gettext_lazy as _

from cooperatie.evaluation.selectors import SUPPRESSED, scopes_of
from cooperatie.evaluation.selectors import scorecard as scorecard_of
from cooperatie.models import Area, Neighbourhood, Team
from reports.writer import Column

from . import Report

ROWS = [
    Column("Bereik", "text", 30), Column("Doel", "text", 26), Column("Indicator", "text", 40),
    Column("Eenheid", "text", 12), Column("Streefwaarde", "text", 14),
    Column("Basiswaarde", "text", 14), Column("Waarde", "number", 22),
    Column("Status", "text", 14),
    Column("Periode", "text", 12), Column("Respondenten", "int", 12),
    Column("Aantal metingen", "int", 14),
]
TREND = [
    Column("Bereik", "text", 30), Column("Indicator", "text", 40), Column("Periode", "text", 14),
    Column("Waarde", "number", 22),
]


def _in_scope(evaluation_scope, report_scope) -> bool:
    area = report_scope.area
    if area is None:
        return True
    obj = evaluation_scope.obj
    return (isinstance(obj, Area) and obj.pk == area.pk) or (
        isinstance(obj, Neighbourhood | Team) and obj.area_id == area.pk)


class ScorecardReport(Report):
    slug = "scorecard"
    title = _("Quadruple aim: scorekaart")

    def write(self, writer, scope, progress) -> int:
        cards = [scorecard_of(scope.cooperative, scope.year, s)
                 for s in scopes_of(scope.cooperative) if _in_scope(s, scope)]
        rows, trend = [], []
        for card in cards:
            for _aim, label, items in card.aims:
                for row in items:
                    rows.append([
                        card.scope.label, label, row.indicator.name,
                        row.indicator.get_unit_display(), row.target_display,
                        row.baseline_display, row.display if row.value is None else row.value,
                        row.status_label,
                        f"{row.period}: {row.basis}" if row.basis else row.period,
                        None if row.suppressed else row.respondents, row.measurement_count,
                    ])
                    trend += [[card.scope.label, row.indicator.name, point.label,
                               str(SUPPRESSED) if point.suppressed else
                               (point.note if point.value is None else point.value)]
                              for point in row.trend]
        count = writer.table("Scorekaart", ROWS, rows,
                             title=f"Quadruple aim {scope.year}: waarde tegen streefwaarde").rows
        writer.table("Trend", TREND, trend)
        return count
