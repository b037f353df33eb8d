"""What the budget commands share: finding the cooperative, round, partner and acting user."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from cooperatie.models import Cooperative
from partners.models import Organisation, OrganisationRole


def add_budget_arguments(parser) -> None:
    parser.add_argument("--cooperative", required=True, help="code van de coöperatie")
    parser.add_argument("--year", required=True, type=int, help="jaar van de begrotingsronde")
    parser.add_argument("--partner", required=True, help="code van de partnerorganisatie")
    parser.add_argument("--user", help="gebruikersnaam van wie handelt (standaard: de "
                                       "directeur van de partner)")


def resolve(options):
    """(budget round, organisation, acting user) from the options, or a Dutch CommandError."""
    cooperative = Cooperative.objects.filter(code=options["cooperative"]).first()
    if cooperative is None:
        raise CommandError(f"Onbekende coöperatie: {options['cooperative']!r}.")
    budget_round = cooperative.budget_rounds.filter(year=options["year"]).first()
    if budget_round is None:
        raise CommandError(f"{cooperative.name} heeft geen begrotingsronde {options['year']}.")
    organisation = Organisation.objects.filter(
        code=options["partner"], memberships__cooperative=cooperative).distinct().first()
    if organisation is None:
        raise CommandError(f"{options['partner']!r} is geen partner van {cooperative.name}.")
    return budget_round, organisation, _actor(options.get("user"), organisation)


def _actor(username, organisation):
    User = get_user_model()
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Onbekende gebruiker: {username!r}.")
        return user
    role = organisation.roles.filter(role=OrganisationRole.Role.DIRECTOR, user__is_active=True)
    role = role.select_related("user").order_by("user__username").first()
    if role is None:
        raise CommandError(f"{organisation.name} heeft geen directeur; geef --user op.")
    return role.user
