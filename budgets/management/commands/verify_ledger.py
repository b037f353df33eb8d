from django.core.management.base import BaseCommand, CommandError

from budgets import chain
from cooperatie.models import Cooperative


class Command(BaseCommand):
    help = ("Rekent de keten van boekingen van een coöperatie na en noemt de eerste boeking "
            "die niet klopt (exitcode 1), of de ketenhash van de laatste (exitcode 0).")

    def add_arguments(self, parser):
        parser.add_argument("--cooperative", required=True, help="code van de coöperatie")

    def handle(self, *args, cooperative, **options):
        coop = Cooperative.objects.filter(code=cooperative).first()
        if coop is None:
            raise CommandError(f"Onbekende coöperatie: {cooperative!r}.")
        check = chain.verify(coop.pk)
        line = f"Grootboek van {coop.name} ({coop.code}): {chain.describe(check)}"
        if not check.intact:
            raise CommandError(line)
        self.stdout.write(line)
