from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from budgets import excel
from budgets.commands import add_budget_arguments, resolve
from budgets.models import PartnerBudget
from cooperatie import policy


class Command(BaseCommand):
    help = "Schrijft het Excel-sjabloon van de begroting van een partner."

    def add_arguments(self, parser):
        add_budget_arguments(parser)
        parser.add_argument("--output", required=True, help="bestand om te schrijven (.xlsx)")

    def handle(self, *args, **options):
        budget_round, organisation, actor = resolve(options)
        if not policy.allowed(actor, "organisation.act", organisation,
                              cooperative=budget_round.cooperative):
            raise CommandError(f"{actor} handelt niet namens {organisation.name}.")
        budget = PartnerBudget.objects.filter(budget_round=budget_round,
                                              organisation=organisation).first()
        try:
            excel.write_template(options["output"], budget_round=budget_round,
                                 organisation=organisation, budget=budget)
        except (OSError, PermissionDenied) as exc:
            raise CommandError(f"Kan {options['output']} niet schrijven: {exc}") from None
        self.stdout.write(f"Sjabloon geschreven: {options['output']}")
