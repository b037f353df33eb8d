"""The figures of the coverage matrix, a row of cells at a time. In the template a cell
took a dozen variable lookups and filter calls: 40 % of the page at the large preset. The
HTML is the same as the template's was."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from cooperatie.templatetags.money import amount_formatter

register = template.Library()


@register.simple_tag
def team_cells(cells) -> str:
    """One team's cells: needed / committed, and the gap or else the surplus."""
    amount = amount_formatter()
    nothing, gap_word, surplus_word = (conditional_escape(w) for w in
                                       (_("niets"), _("tekort"), _("ruimte")))
    out = []
    for cell in cells:
        if cell.empty:
            body = (f'<span class="muted" aria-hidden="true">–</span>'
                    f'<span class="visually-hidden">{nothing}</span>')
        else:
            body = f"{amount(cell.required)} / {amount(cell.committed)}"
            if cell.gap:
                body += f"<br><strong>{gap_word} {amount(cell.gap)}</strong>"
            elif cell.surplus:
                body += f'<br><span class="status-ok">{surplus_word} {amount(cell.surplus)}</span>'
        out.append(f'<td class="num{" gap" if cell.gap else ""}">{body}</td>')
    return mark_safe("".join(out))  # noqa: S308 - the words are escaped, the rest is figures


@register.simple_tag
def total_cells(totals) -> str:
    """An area's sums per expertise: needed / committed, the gap and the surplus (both: the
    teams' gaps and surpluses are not netted)."""
    amount = amount_formatter()
    gap_word, surplus_word = (conditional_escape(w) for w in (_("tekort"), _("ruimte")))
    out = []
    for t in totals:
        body = f"{amount(t.required)} / {amount(t.committed)}"
        if t.gap:
            body += f"<br><strong>{gap_word} {amount(t.gap)}</strong>"
        if t.surplus:
            body += f'<br><span class="status-ok">{surplus_word} {amount(t.surplus)}</span>'
        out.append(f'<td class="num{" gap" if t.gap else ""}">{body}</td>')
    return mark_safe("".join(out))  # noqa: S308 - the words are escaped, the rest is figures
