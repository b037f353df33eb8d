from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from budgets import excel, services
from budgets.commands import add_budget_arguments, resolve
from cooperatie.errors import error_lines
from cooperatie.templatetags.money import euro_formatter


class Command(BaseCommand):
    help = ("Leest een ingevuld begrotingssjabloon in, precies zoals een directeur dat op het "
            "scherm doet: alles of niets.")

    def add_arguments(self, parser):
        add_budget_arguments(parser)
        parser.add_argument("file", help="het ingevulde sjabloon (.xlsx of .ods)")
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
        budget = services.budget_find(budget_round=budget_round, organisation=organisation,
                                      actor=actor)
        upload = excel.read_upload(data, budget=budget, filename=path.name)
        if upload.errors:
            raise ValidationError(upload.errors)
        staff = services.staff_upload_preview(upload)
        reason = f"ingelezen uit {path.name}"
        if options["dry_run"]:
            # The same checks as the real run, rolled back: it fails exactly when that would.
            changes = services.budget_import_dry_run(
                budget=budget, upload=upload, expected_version=budget.version, actor=actor,
                reason=reason, submit=options["submit"])
        else:
            changes = services.budget_import(budget=budget, upload=upload,
                                             expected_version=budget.version, actor=actor,
                                             reason=reason)
            if options["submit"]:
                services.budget_submit(budget=budget, actor=actor,
                                       reason=f"ingediend na inlezen van {path.name}")
        # Only what went through is shown: a refused file prints no preview.
        euro = euro_formatter()
        self.stdout.write("\n".join(
            f"{c.neighbourhood.code}\t{c.funding_stream.code}\t{euro(c.old_amount)} → "
            f"{euro(c.new_amount)}" + (f"\t({c.formula})" if c.formula else "")
            for c in changes) + ("\n" if changes else ""), ending="")
        for line in staff:
            self.stdout.write(line)
        if options["dry_run"]:
            self.stdout.write(f"Proefrun: {len(changes)} wijziging(en), niets opgeslagen.")
            return
        self.stdout.write(f"Ingelezen: {len(changes)} wijziging(en).")
        if options["submit"]:
            self.stdout.write("Begroting ingediend.")
