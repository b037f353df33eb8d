from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from budgets import excel, services
from budgets.commands import add_budget_arguments, resolve
from cooperatie.errors import error_lines
from cooperatie.templatetags.money import euro


class Command(BaseCommand):
    help = ("Leest een ingevuld begrotingssjabloon in, precies zoals een directeur dat op het "
            "scherm doet: alles of niets.")

    def add_arguments(self, parser):
        add_budget_arguments(parser)
        parser.add_argument("file", help="het ingevulde sjabloon (.xlsx)")
        parser.add_argument("--dry-run", action="store_true",
                            help="toon alleen de wijzigingen; er verandert niets")
        parser.add_argument("--submit", action="store_true",
                            help="dien de begroting na het inlezen in")

    def handle(self, *args, **options):
        budget_round, organisation, actor = resolve(options)
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Kan {path} niet lezen: {exc.strerror}.") from None
        try:
            with transaction.atomic():
                self._import(budget_round, organisation, actor, data, path, options)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError("\n".join(["Niets ingelezen:", *error_lines(exc)])) from None

    def _import(self, budget_round, organisation, actor, data, path, options):
        budget = services.budget_get_or_create(budget_round=budget_round,
                                               organisation=organisation, actor=actor)
        upload = excel.read_upload(data, budget=budget)
        if upload.errors:
            raise ValidationError(upload.errors)
        changes = services.budget_changes(budget, upload.rows)
        for c in changes:
            self.stdout.write(f"{c.neighbourhood.code}\t{c.funding_stream.code}\t"
                              f"{euro(c.old_amount)} → {euro(c.new_amount)}")
        for line in services.staff_upload_preview(upload):
            self.stdout.write(line)
        if options["dry_run"]:
            self.stdout.write(f"Proefrun: {len(changes)} wijziging(en), niets opgeslagen.")
            transaction.set_rollback(True)  # not even the empty draft budget stays
            return
        services.budget_import(budget=budget, upload=upload, expected_version=budget.version,
                               actor=actor, reason=f"ingelezen uit {path.name}")
        self.stdout.write(f"Ingelezen: {len(changes)} wijziging(en).")
        if options["submit"]:
            services.budget_submit(budget=budget, actor=actor,
                                   reason=f"ingediend na inlezen van {path.name}")
            self.stdout.write("Begroting ingediend.")
