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
    amount, words = amount_formatter(), _words()
    out = []
    for cell in cells:
        if cell.empty:
            body = (f'<span class="muted" aria-hidden="true">–</span>'
                    f'<span class="visually-hidden">{words["nothing"]}</span>')
        else:
            body = _figures(cell, amount, words, both=False)
        out.append(_td(cell, body))
    return mark_safe("".join(out))  # noqa: S308 - the words are escaped, the rest is figures


@register.simple_tag
def total_cells(totals) -> str:
    """An area's sums per expertise: needed / committed, the gap and the surplus (both: the
    teams' gaps and surpluses are not netted)."""
    amount, words = amount_formatter(), _words()
    out = [_td(t, _figures(t, amount, words, both=True)) for t in totals]
    return mark_safe("".join(out))  # noqa: S308 - the words are escaped, the rest is figures


def _words() -> dict[str, str]:
    return {key: conditional_escape(word) for key, word in
            (("nothing", _("niets")), ("gap", _("tekort")), ("surplus", _("ruimte")))}


def _figures(item, amount, words, *, both: bool) -> str:
    body = f"{amount(item.required)} / {amount(item.committed)}"
    if item.gap:
        body += f"<br><strong>{words['gap']} {amount(item.gap)}</strong>"
    if item.surplus and (both or not item.gap):
        body += f'<br><span class="status-ok">{words["surplus"]} {amount(item.surplus)}</span>'
    return body


def _td(item, body: str) -> str:
    return f'<td class="num{" gap" if item.gap else ""}">{body}</td>'
