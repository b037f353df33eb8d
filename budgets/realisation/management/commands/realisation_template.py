from django.core.management.base import BaseCommand, CommandError

from budgets.realisation import excel
from budgets.realisation.commands import add_arguments, resolve_period
from budgets.realisation.selectors import realisation_of
from cooperatie import policy


class Command(BaseCommand):
    help = "Schrijft het Excel-sjabloon van de realisatie van een partner in een periode."

    def add_arguments(self, parser):
        add_arguments(parser)
        parser.add_argument("--output", required=True, help="bestand om te schrijven (.xlsx)")

    def handle(self, *args, **options):
        period, organisation, actor = resolve_period(options)
        if not policy.allowed(actor, "realisation.act", organisation,
                              cooperative=period.cooperative):
            raise CommandError(f"{actor} voert geen realisatie in voor {organisation.name}.")
        try:
            excel.write_template(options["output"], period=period, organisation=organisation,
                                 realisation=realisation_of(period, organisation))
        except OSError as exc:
            raise CommandError(f"Kan {options['output']} niet schrijven: {exc.strerror}.") \
                from None
        self.stdout.write(f"Sjabloon geschreven: {options['output']}")
