"""Changes to member organisations and the people acting for them."""

from cooperatie.history import create_recorded

from .models import Organisation, OrganisationRole


def organisation_create(*, code: str, name: str, kind: str, kvk_number: str, actor,
                        reason: str) -> Organisation:
    return create_recorded(
        Organisation, code=code, name=name, kind=kind, kvk_number=kvk_number, actor=actor,
        reason=reason,
    )


def organisation_role_grant(*, organisation: Organisation, user, role: str, actor,
                            reason: str) -> OrganisationRole:
    return create_recorded(
        OrganisationRole, organisation=organisation, user=user, role=role, actor=actor,
        reason=reason,
    )
