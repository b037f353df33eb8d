"""Charts of budget against actual as inline SVG, drawn on the server: no JavaScript, no
library, no CDN, nothing inline the Content-Security-Policy forbids (presentation attributes,
not style=). Each chart has a title and a description that say in words what it shows; the
page puts the table with the same figures beside it."""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cooperatie.templatetags.money import euro

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 84, 16, 16, 40
AXIS = 'stroke="#c9cfd6"'
MUTED = 'fill="#4f5862"'
BUDGET_LINE = 'fill="none" stroke="#4f5862" stroke-width="2" stroke-dasharray="6 4"'
ACTUAL_LINE = 'fill="none" stroke="#0b5394" stroke-width="2.5"'
ACTUAL_POINT = 'fill="#0b5394"'
BUDGET_BAR = 'fill="#c9cfd6" stroke="#4f5862"'
ACTUAL_BAR = 'fill="#0b5394"'
OVER_BAR = 'fill="#a4161a"'


def short_euro(value: Decimal) -> str:
    """€ 1,2 mln · € 350k · € 800 for axis labels (the tables carry the exact figures)."""
    number = abs(float(value))  # float ok: a position on a chart, not money kept
    sign = "-" if value < 0 else ""
    if number >= 1_000_000:
        return f"{sign}€ {number / 1_000_000:.1f} mln".replace(".", ",")
    if number >= 1_000:
        return f"{sign}€ {number / 1_000:.0f}k"
    return f"{sign}€ {number:.0f}"


def _open(uid: str, title: str, description: str, height: int) -> list[str]:
    return [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{uid}-t {uid}-d" focusable="false">',
        f'<title id="{uid}-t">{escape(title)}</title>',
        f'<desc id="{uid}-d">{escape(description)}</desc>',
    ]


def _scale(values: list[Decimal]) -> tuple[Decimal, Decimal]:
    lo, hi = min([Decimal(0), *values]), max([Decimal(0), *values])
    if lo == hi:
        hi = lo + 1
    return lo, hi


def describe_cumulative(months) -> str:
    parts = []
    for period, budget, actual in months:
        shown = euro(actual) if actual is not None else _("nog niet geopend")
        parts.append(_("%(period)s: begroting tot dan %(budget)s, realisatie tot dan "
                       "%(actual)s") % {"period": period.label, "budget": euro(budget),
                                        "actual": shown})
    return "; ".join(parts) + "." if parts else _("Nog geen perioden.")


def cumulative_svg(months, uid: str) -> SafeString:
    """Cumulative budget to date (dashed) and actual (solid, with points) per period."""
    title = _("Begroting en realisatie, cumulatief per periode")
    out = _open(uid, title, describe_cumulative(months), HEIGHT)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base = TOP + plot_h
    if not months:
        out.append(f'<text {MUTED} x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">'
                   f'{escape(_("Nog geen perioden."))}</text></svg>')
        return mark_safe("".join(out))  # noqa: S308 - every text is escaped
    values = [b for _p, b, _a in months] + [a for _p, _b, a in months if a is not None]
    lo, hi = _scale(values)

    def y(value: Decimal) -> float:
        return float(TOP + (hi - value) / (hi - lo) * plot_h)

    def x(i: int) -> float:
        return LEFT + (i + 0.5) * plot_w / len(months)

    for value in (lo, (lo + hi) / 2, hi):
        out.append(f'<line {AXIS} x1="{LEFT}" y1="{y(value):.1f}" x2="{WIDTH - RIGHT}" '
                   f'y2="{y(value):.1f}"/>')
        out.append(f'<text {MUTED} font-size="11" x="{LEFT - 6}" y="{y(value) + 4:.1f}" '
                   f'text-anchor="end">{escape(short_euro(value))}</text>')
    budget = " ".join(f"{x(i):.1f},{y(b):.1f}" for i, (_p, b, _a) in enumerate(months))
    out.append(f'<polyline {BUDGET_LINE} points="{budget}"/>')
    actual = [(i, a) for i, (_p, _b, a) in enumerate(months) if a is not None]
    if len(actual) > 1:
        points = " ".join(f"{x(i):.1f},{y(a):.1f}" for i, a in actual)
        out.append(f'<polyline {ACTUAL_LINE} points="{points}"/>')
    for i, a in actual:
        period = months[i][0]
        out.append(f'<circle {ACTUAL_POINT} cx="{x(i):.1f}" cy="{y(a):.1f}" r="3.5">'
                   f'<title>{escape(period.label)}: {escape(euro(a))}</title></circle>')
    step = 1 if len(months) <= 6 else 2
    for i, (period, _b, _a) in enumerate(months):
        if i % step == 0 or i == len(months) - 1:
            label = period.label.split(" ")[0][:3] if period.kind == "month" else \
                f"K{period.number}"
            out.append(f'<text {MUTED} font-size="11" x="{x(i):.1f}" y="{base + 16}" '
                       f'text-anchor="middle">{escape(label)}</text>')
    legend_y = HEIGHT - 8
    out += [
        f'<line {BUDGET_LINE} x1="{LEFT}" y1="{legend_y - 4}" x2="{LEFT + 24}" '
        f'y2="{legend_y - 4}"/>',
        f'<text {MUTED} font-size="11" x="{LEFT + 30}" y="{legend_y}">'
        f'{escape(_("begroting tot nu toe"))}</text>',
        f'<line {ACTUAL_LINE} x1="{LEFT + 200}" y1="{legend_y - 4}" x2="{LEFT + 224}" '
        f'y2="{legend_y - 4}"/>',
        f'<text {MUTED} font-size="11" x="{LEFT + 230}" y="{legend_y}">'
        f'{escape(_("realisatie tot nu toe"))}</text>',
        "</svg>",
    ]
    return mark_safe("".join(out))  # noqa: S308 - every text is escaped


def describe_areas(rows) -> str:
    parts = [_("%(area)s: begroting tot nu toe %(budget)s, realisatie %(actual)s%(flag)s")
             % {"area": r.label, "budget": euro(r.to_date), "actual": euro(r.actual),
                "flag": _(" (signaal: boven de drempel)") if r.warning else ""} for r in rows]
    return "; ".join(parts) + "." if parts else _("Geen gebieden.")


def areas_svg(rows, uid: str, through) -> SafeString:
    """Per area: a bar for the budget to date and one for the actual (red above the
    threshold)."""
    suffix = f" {_('t/m')} {through.label}" if through is not None else ""
    title = _("Uitgaven per gebied tegen de begroting") + suffix
    bar, gap = 12, 14
    height = TOP + BOTTOM + max(1, len(rows)) * (2 * bar + gap)
    out = _open(uid, title, describe_areas(rows), height)
    values = [r.to_date for r in rows] + [r.actual for r in rows]
    lo, hi = _scale(values)
    left = 170
    plot_w = WIDTH - left - RIGHT

    def x(value: Decimal) -> float:
        return float(left + (value - lo) / (hi - lo) * plot_w)

    zero = x(Decimal(0))
    for i, row in enumerate(rows):
        top = TOP + i * (2 * bar + gap)
        out.append(f'<text {MUTED} font-size="12" x="{left - 8}" y="{top + bar + 4}" '
                   f'text-anchor="end">{escape(row.label[:26])}</text>')
        for j, (value, paint, what) in enumerate((
                (row.to_date, BUDGET_BAR, _("begroting tot nu toe")),
                (row.actual, OVER_BAR if row.warning else ACTUAL_BAR, _("realisatie")))):
            start, end = sorted((zero, x(value)))
            out.append(f'<rect {paint} x="{start:.1f}" y="{top + j * bar}" '
                       f'width="{max(end - start, 0.5):.1f}" height="{bar - 1}">'
                       f'<title>{escape(row.label)}, {escape(what)}: {escape(euro(value))}'
                       f'</title></rect>')
    axis_y = height - BOTTOM + 8
    for value in (lo, hi):
        out.append(f'<text {MUTED} font-size="11" x="{x(value):.1f}" y="{axis_y + 12}" '
                   f'text-anchor="middle">{escape(short_euro(value))}</text>')
    legend = height - 8
    out += [
        f'<rect {BUDGET_BAR} x="{left}" y="{legend - 10}" width="14" height="10"/>',
        f'<text {MUTED} font-size="11" x="{left + 20}" y="{legend}">'
        f'{escape(_("begroting tot nu toe"))}</text>',
        f'<rect {ACTUAL_BAR} x="{left + 170}" y="{legend - 10}" width="14" height="10"/>',
        f'<text {MUTED} font-size="11" x="{left + 190}" y="{legend}">'
        f'{escape(_("realisatie"))}</text>',
        f'<rect {OVER_BAR} x="{left + 280}" y="{legend - 10}" width="14" height="10"/>',
        f'<text {MUTED} font-size="11" x="{left + 300}" y="{legend}">'
        f'{escape(_("realisatie boven de drempel"))}</text>',
        "</svg>",
    ]
    return mark_safe("".join(out))  # noqa: S308 - every text is escaped
