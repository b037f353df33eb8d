"""Changes to funding streams, budget rounds, partner budgets and the ledger."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cooperatie import policy
from cooperatie.history import create_recorded, save_recorded

from .models import BudgetRound, FundingStream


def funding_stream_create(*, cooperative, code: str, name: str, law: str, taakveld: str = "",
                          actor, reason: str) -> FundingStream:
    return create_recorded(
        FundingStream, cooperative=cooperative, code=code, name=name, law=law,
        taakveld=taakveld, actor=actor, reason=reason,
    )


@transaction.atomic
def budget_round_open(*, cooperative, year: int, actor, reason: str) -> BudgetRound:
    policy.ensure(actor, "round.manage", cooperative)
    rnd = BudgetRound.objects.select_for_update().filter(cooperative=cooperative, year=year)
    rnd = rnd.first() or BudgetRound(cooperative=cooperative, year=year)
    if rnd.pk and rnd.is_open:
        raise ValidationError(_("De begrotingsronde %(year)s is al open.") % {"year": year})
    rnd.status = BudgetRound.Status.OPEN
    return save_recorded(rnd, actor=actor, reason=reason)


@transaction.atomic
def budget_round_close(*, budget_round: BudgetRound, actor, reason: str) -> BudgetRound:
    policy.ensure(actor, "round.manage", budget_round)
    rnd = BudgetRound.objects.select_for_update().get(pk=budget_round.pk)
    if not rnd.is_open:
        raise ValidationError(_("De begrotingsronde %(year)s is al gesloten.") % {"year": rnd.year})
    rnd.status = BudgetRound.Status.CLOSED
    return save_recorded(rnd, actor=actor, reason=reason)
