"""Reads about rounds, budgets and the ledger."""

from .models import BudgetRound


def open_round(cooperative) -> BudgetRound | None:
    rounds = cooperative.budget_rounds.filter(status=BudgetRound.Status.OPEN)
    return rounds.order_by("-year").first()


def dashboard_budget_panels(user, cooperative, roles) -> dict:
    return {"rounds": list(cooperative.budget_rounds.order_by("-year")),
            "open_round": open_round(cooperative)}
