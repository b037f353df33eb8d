"""Reads about rounds, budgets and the ledger."""

from decimal import Decimal

from .ledger import balance
from .models import BudgetRound


def open_round(cooperative) -> BudgetRound | None:
    rounds = cooperative.budget_rounds.filter(status=BudgetRound.Status.OPEN)
    return rounds.order_by("-year").first()


def dashboard_budget_panels(user, cooperative, roles) -> dict:
    return {"rounds": list(cooperative.budget_rounds.order_by("-year")),
            "open_round": open_round(cooperative)}


def contributions(cooperative, year: int):
    """Ledger entries of the money partners put on the table (submitted budgets)."""
    from .models import LedgerEntry

    return LedgerEntry.objects.filter(cooperative=cooperative, year=year,
                                      kind=LedgerEntry.Kind.CONTRIBUTION)


def pooled_total(cooperative, year: int, neighbourhoods=None) -> Decimal:
    """The pooled budget of the cooperative (or of some neighbourhoods) for a year."""
    entries = contributions(cooperative, year)
    if neighbourhoods is not None:
        entries = entries.filter(neighbourhood__in=neighbourhoods)
    return balance(entries)
