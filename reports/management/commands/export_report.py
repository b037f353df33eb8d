from django.core.management.base import BaseCommand, CommandError

from cooperatie.models import Cooperative
from reports.builders import ReportMismatch, Scope, build, registry


class Command(BaseCommand):
    help = "Maakt een rapport (Excel; XAF of CSV voor de boekhouding), zoals de exportpagina."

    def add_arguments(self, parser):
        parser.add_argument("report", choices=sorted(registry()), help="welk rapport")
        parser.add_argument("--cooperative", required=True, help="code van de coöperatie")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--output", required=True,
                            help="bestand (.xlsx; .xaf/.csv voor auditfile/journal)")
        parser.add_argument("--area", help="code van een gebied (optioneel)")
        parser.add_argument("--partner", help="code van een partner (optioneel)")

    def handle(self, *args, **options):
        cooperative = Cooperative.objects.filter(code=options["cooperative"]).first()
        if cooperative is None:
            raise CommandError(f"Onbekende coöperatie: {options['cooperative']!r}.")
        if not cooperative.budget_rounds.filter(year=options["year"]).exists():
            raise CommandError(f"{cooperative.name} heeft geen begrotingsronde {options['year']}.")
        scope = Scope(cooperative, options["year"])
        if options["area"]:
            scope.area = cooperative.areas.filter(code=options["area"]).first()
            if scope.area is None:
                raise CommandError(f"Onbekend gebied: {options['area']!r}.")
        if options["partner"]:
            member = cooperative.memberships.filter(organisation__code=options["partner"]).first()
            if member is None:
                raise CommandError(f"{options['partner']!r} is geen partner.")
            scope.organisation = member.organisation
        try:
            rows = build(options["report"], options["output"], scope)
        except ReportMismatch as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"Kan {options['output']} niet schrijven: {exc.strerror}.") from None
        self.stdout.write(f"{options['report']}: {rows} rijen geschreven naar {options['output']}")
