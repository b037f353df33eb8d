from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from budgets.realisation import excel, services
from budgets.realisation.commands import add_arguments, resolve_period
from budgets.realisation.selectors import realisation_of
from cooperatie.errors import error_lines
from cooperatie.templatetags.money import euro


class DryRun(Exception):
    """Undo everything the real run did."""


class Command(BaseCommand):
    help = ("Leest een ingevuld realisatiesjabloon in, precies zoals op het scherm: alles of "
            "niets. Met --dry-run gebeurt hetzelfde, waarna alles wordt teruggedraaid.")

    def add_arguments(self, parser):
        add_arguments(parser)
        parser.add_argument("file", help="het ingevulde sjabloon (.xlsx of .ods)")
        parser.add_argument("--dry-run", action="store_true",
                            help="voer alles uit en draai het terug: toont de wijzigingen en "
                                 "faalt precies wanneer het echte inlezen zou falen")
        parser.add_argument("--submit", action="store_true",
                            help="dien de realisatie van de periode na het inlezen in")

    def handle(self, *args, **options):
        period, organisation, actor = resolve_period(options)
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Kan {path} niet lezen: {exc.strerror}.") from None
        try:
            with transaction.atomic():
                self._import(period, organisation, actor, data, path, options)
                if options["dry_run"]:
                    raise DryRun
        except DryRun:
            self.stdout.write("Proefrun: alles is gecontroleerd en teruggedraaid; er is niets "
                              "opgeslagen.")
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError("\n".join(["Niets ingelezen:", *error_lines(exc)])) from None

    def _import(self, period, organisation, actor, data, path, options):
        upload = excel.read_upload(data, period=period, organisation=organisation,
                                   filename=path.name)
        if upload.errors:
            raise ValidationError(upload.errors)
        realisation = realisation_of(period, organisation)
        changes = services.realisation_import(
            period=period, organisation=organisation, upload=upload,
            expected_version=realisation.version if realisation else 0, actor=actor,
            reason=f"ingelezen uit {path.name}")
        for c in changes:
            self.stdout.write(f"{c.neighbourhood.code}\t{c.funding_stream.code}\t"
                              f"{euro(c.old_amount)} → {euro(c.new_amount)}")
        done = "Zou inlezen" if options["dry_run"] else "Ingelezen"
        self.stdout.write(f"{done}: {len(changes)} wijziging(en) voor {period.label}.")
        if options["submit"]:
            services.realisation_submit(period=period, organisation=organisation, actor=actor,
                                        reason=f"ingediend na inlezen van {path.name}")
            self.stdout.write("Zou indienen." if options["dry_run"] else "Realisatie ingediend.")
