from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fixtures.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Laadt de demo-coöperaties heerlen, malberg en tom met demogebruikers (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="ook laden als DEBUG uit staat (nooit in productie)")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Demogegevens horen niet in productie: zet DEBUG=1 of gebruik --force."
            )
        logins = load_demo()
        self.stdout.write(self.style.SUCCESS("Demogegevens geladen: heerlen, malberg, tom."))
        self.stdout.write(f"Demologins (wachtwoord voor allemaal: {DEMO_PASSWORD}):")
        for username, description in logins:
            self.stdout.write(f"  {username:<24} {description}")
