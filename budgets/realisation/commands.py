"""What the realisation commands share: the budget commands' options plus the period."""

from django.core.management.base import CommandError

from budgets.commands import add_budget_arguments, resolve

from .selectors import period_by_code


def add_arguments(parser) -> None:
    add_budget_arguments(parser)
    parser.add_argument("--period", required=True,
                        help="de periode: JJJJ-MM voor een maand (2026-03), JJJJ-KN voor een "
                             "kwartaal (2026-K1)")


def resolve_period(options):
    """(period, organisation, acting user) from the options, or a Dutch CommandError."""
    budget_round, organisation, actor = resolve(options)
    period, problem = period_by_code(budget_round, options["period"])
    if period is None:
        raise CommandError(problem)
    return period, organisation, actor
