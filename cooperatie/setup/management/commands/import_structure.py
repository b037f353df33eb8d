from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from cooperatie.models import Cooperative, CooperativeRole
from cooperatie.setup import excel, services


class Command(BaseCommand):
    help = ("Leest een structuurwerkboek in (gebieden, buurten met inwoners, teams, partners, "
            "financieringsstromen, expertises), precies zoals de beheerder dat op het scherm "
            "doet: alles of niets. Een coöperatie die nog niet bestaat, wordt gemaakt.")

    def add_arguments(self, parser):
        parser.add_argument("--cooperative", required=True, help="code van de coöperatie")
        parser.add_argument("file", help="het structuurwerkboek (.xlsx of .ods)")
        parser.add_argument("--dry-run", action="store_true",
                            help="toon alleen de wijzigingen; er verandert niets")
        parser.add_argument("--user", help="gebruikersnaam van wie handelt (standaard: de "
                                           "beheerder van de coöperatie, of de "
                                           "applicatiebeheerder)")
        parser.add_argument("--reason", help="reden van de wijziging (voor de historie)")

    def handle(self, *args, **options):
        code = options["cooperative"]
        cooperative = Cooperative.objects.filter(code=code).first()
        actor = _actor(options.get("user"), cooperative)
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Kan {path} niet lezen: {exc.strerror}.") from None
        structure, errors = excel.read_workbook(data, filename=path.name)
        if not errors and cooperative is None and structure.cooperative.code != code:
            errors = [f"Het werkboek is van de coöperatie '{structure.cooperative.code}', "
                      f"niet van '{code}'."]
        if errors:
            raise CommandError("\n".join(["Niets ingelezen:", *errors]))
        try:
            result = services.structure_apply(
                cooperative=cooperative, structure=structure, actor=actor,
                reason=options.get("reason") or f"structuur ingelezen uit {path.name}",
                dry_run=options["dry_run"])
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError("\n".join(["Niets ingelezen:", *exc.messages])) from None
        for change in result.changes:
            self.stdout.write(change.describe())
        n = len(result.changes)
        if options["dry_run"]:
            self.stdout.write(f"Proefrun: {n} wijziging(en), niets opgeslagen.")
        elif result.created:
            self.stdout.write(f"Coöperatie {code} gemaakt: {n} wijziging(en).")
        else:
            self.stdout.write(f"Ingelezen: {n} wijziging(en).")


def _actor(username, cooperative):
    User = get_user_model()
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Onbekende gebruiker: {username!r}.")
        return user
    if cooperative is not None:
        role = (CooperativeRole.objects.filter(
            cooperative=cooperative, role=CooperativeRole.Role.ADMINISTRATOR,
            user__is_active=True).select_related("user").order_by("user__username").first())
        if role is not None:
            return role.user
    user = User.objects.filter(is_superuser=True, is_active=True).order_by("username").first()
    if user is None:
        raise CommandError("Er is geen beheerder om namens te handelen; geef --user op.")
    return user
