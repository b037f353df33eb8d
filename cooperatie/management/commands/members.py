from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cooperatie.models import Cooperative, Membership
from cooperatie.policy import active_on


class Command(BaseCommand):
    help = "Toont de huidige leden van een coöperatie: code<TAB>naam per regel."

    def add_arguments(self, parser):
        parser.add_argument("--cooperative", required=True, help="code van de coöperatie")

    def handle(self, *args, cooperative, **options):
        coop = Cooperative.objects.filter(code=cooperative).first()
        if coop is None:
            raise CommandError(f"Onbekende coöperatie: {cooperative!r}.")
        members = (
            Membership.objects.filter(active_on(timezone.localdate()), cooperative=coop)
            .select_related("organisation").order_by("organisation__code")
        )
        for m in members:
            self.stdout.write(f"{m.organisation.code}\t{m.organisation.name}")
