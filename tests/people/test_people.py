"""The administrator manages people in the product: invite, roles, deactivate; the policy
matrix of the people pages; history with who and why."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cooperatie import policy
from cooperatie.models import BoardSeat, CooperativeRole
from cooperatie.notifications.models import Mail
from cooperatie.people import services
from cooperatie.people.models import Invitation
from partners.models import Organisation, OrganisationRole
from tests.conftest import login

User = get_user_model()
PAGES = ["list", "invite", "person"]


def invite(tom, users, email="nieuw@example.nl", kind="director", org="tom-ggz"):
    return services.person_invite(
        cooperative=tom, email=email, first_name="Sara", last_name="Koster",
        grant=services.RoleGrant(kind=kind, organisation=Organisation.objects.get(code=org)),
        actor=users["tom-beheerder"], reason="nieuwe directeur")


@pytest.mark.django_db
@pytest.mark.parametrize("username, status", [
    ("tom-beheerder", 200), ("beheerder", 200),
    ("tom-directeur", 403), ("tom-voorzitter", 403), ("tom-financien", 403),
    ("heerlen-beheerder", 404), ("heerlen-directeur", 404),
])
@pytest.mark.parametrize("page", PAGES)
def test_people_pages_permission_matrix(client, people_url, users, username, status, page):
    login(client, username)
    kwargs = {"user_id": users["tom-directeur"].pk} if page == "person" else {}
    assert client.get(people_url(page, **kwargs)).status_code == status


@pytest.mark.django_db
def test_another_cooperatives_person_is_404_even_for_an_administrator(client, people_url, users):
    login(client, "tom-beheerder")
    heerlen_person = users["heerlen-directeur"]
    assert client.get(people_url("person", user_id=heerlen_person.pk)).status_code == 404
    response = client.post(people_url("active", user_id=heerlen_person.pk),
                           {"active": "0", "reason": "weg"})
    assert response.status_code == 404
    heerlen_person.refresh_from_db()
    assert heerlen_person.is_active


@pytest.mark.django_db
def test_a_director_cannot_invite(client, people_url, tom, users):
    login(client, "tom-directeur")
    response = client.post(people_url("invite"), {
        "first_name": "X", "last_name": "Y", "email": "x@example.nl", "kind": "finance",
        "reason": "r"})
    assert response.status_code == 403
    assert not User.objects.filter(email="x@example.nl").exists()
    with pytest.raises(PermissionDenied):
        invite(tom, {**users, "tom-beheerder": users["tom-directeur"]})  # the service refuses too


@pytest.mark.django_db
def test_people_list_shows_names_roles_and_last_sign_in(client, people_url, users,
                                                        django_assert_max_num_queries):
    for code in ("malberg", "heerlen"):  # the number of queries does not grow with the people
        login(client, f"{code}-beheerder")
        with django_assert_max_num_queries(14):
            assert client.get(people_url("list", code=code)).status_code == 200
    login(client, "tom-beheerder")
    page = client.get(people_url("list")).content.decode()
    assert ">Anouk de Vries</a>" in page
    assert "directeur · Welzijn Rijnstreek" in page
    assert "heerlen" not in page.split("<tbody>")[1].lower()


@pytest.mark.django_db
def test_invite_through_the_page_creates_the_person_their_role_and_one_mail(
        client, people_url, tom, users):
    login(client, "tom-beheerder")
    response = client.post(people_url("invite"), {
        "first_name": "Sara", "last_name": "Koster", "email": "Sara.Koster@Example.nl",
        "kind": "director", "organisation": Organisation.objects.get(code="tom-ggz").pk,
        "reason": "nieuwe directeur GGZ"})
    assert response.status_code == 302
    person = User.objects.get(email="sara.koster@example.nl")
    assert person.username == "sara.koster@example.nl" and not person.has_usable_password()
    assert OrganisationRole.objects.filter(user=person, role="director",
                                           organisation__code="tom-ggz").exists()
    assert policy.allowed(person, "organisation.act", Organisation.objects.get(code="tom-ggz"),
                          cooperative=tom)
    invitation = Invitation.objects.get(user=person)
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    assert Mail.objects.filter(kind="invitation", user=person).count() == 1
    record = person.history.first()
    assert record.history_user == users["tom-beheerder"]
    assert record.history_change_reason == "nieuwe directeur GGZ"
    page = client.get(response.url).content.decode()
    assert "uitgenodigd" in page and "nieuwe directeur GGZ" in page


@pytest.mark.django_db
def test_bad_invitations_are_refused_with_a_clear_message(client, people_url, users):
    login(client, "tom-beheerder")
    response = client.post(people_url("invite"), {
        "first_name": "Sara", "last_name": "Koster", "email": "geen-adres",
        "kind": "director", "reason": "r"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Voer een geldig e-mailadres in" in text and "Kies de partner." in text
    heerlen_org = Organisation.objects.get(code="hl-welzijn")
    response = client.post(people_url("invite"), {
        "first_name": "Sara", "last_name": "Koster", "email": "s@example.nl",
        "kind": "director", "organisation": heerlen_org.pk, "reason": "r"})
    assert response.status_code == 400  # not a partner of tom: not even a choice
    assert not User.objects.filter(email="s@example.nl").exists()


@pytest.mark.django_db
def test_invitation_link_works_once_and_sets_the_password(client, tom, users):
    invitation = invite(tom, users)
    url = reverse("invitation_accept", args=[services.invitation_token(invitation)])
    assert client.get(url).status_code == 200
    new = "Mijn-eigen-wachtwoord-26"
    response = client.post(url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302 and response.url == reverse("login")
    person = User.objects.get(pk=invitation.user_id)
    assert person.check_password(new)
    assert client.get(url).status_code == 404
    response = client.post(url, {"new_password1": "Nog-een-keer-2026", "new_password2":
                                 "Nog-een-keer-2026"})
    assert response.status_code == 404
    person.refresh_from_db()
    assert person.check_password(new)


@pytest.mark.django_db
def test_invitation_refuses_a_weak_password_and_expires(client, tom, users):
    invitation = invite(tom, users)
    url = reverse("invitation_accept", args=[services.invitation_token(invitation)])
    response = client.post(url, {"new_password1": "wachtwoord", "new_password2": "wachtwoord"})
    assert response.status_code == 400 and "te algemeen" in response.content.decode()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_resending_makes_earlier_links_invalid(client, tom, users):
    invitation = invite(tom, users)
    old = reverse("invitation_accept", args=[services.invitation_token(invitation)])
    invitation = services.invitation_resend(invitation=invitation, actor=users["tom-beheerder"])
    new = reverse("invitation_accept", args=[services.invitation_token(invitation)])
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert Mail.objects.filter(kind="invitation", user=invitation.user).count() == 2


@pytest.mark.django_db
def test_inviting_a_known_address_gives_the_role_without_a_new_account(tom, users):
    heerlen_person = users["heerlen-directeur"]
    invitation = invite(tom, users, email=heerlen_person.email)
    assert invitation.user == heerlen_person and invitation.accepted_at
    assert heerlen_person.check_password("demo-2026")


@pytest.mark.django_db
def test_nobody_gives_themselves_more_rights(client, people_url, tom, users):
    admin = users["tom-beheerder"]
    with pytest.raises(PermissionDenied):
        services.role_grant(cooperative=tom, person=admin,
                            grant=services.RoleGrant(kind="board", board_role="chair"),
                            actor=admin, reason="ik wil stemmen")
    login(client, "tom-beheerder")
    response = client.post(people_url("role_add", user_id=admin.pk), {
        "kind": "finance", "reason": "ik wil exporteren"})
    assert response.status_code == 400
    assert not CooperativeRole.objects.filter(user=admin, role="finance").exists()
    with pytest.raises(PermissionDenied):
        services.person_invite(cooperative=tom, email=admin.email, first_name="G",
                               last_name="M", grant=services.RoleGrant(kind="finance"),
                               actor=admin, reason="tweede account")


@pytest.mark.django_db
def test_give_and_take_roles_with_history(client, people_url, tom, users):
    person = users["tom-directeur2"]
    login(client, "tom-beheerder")
    response = client.post(people_url("role_add", user_id=person.pk), {
        "kind": "board", "board_role": "member",
        "valid_from": timezone.localdate().strftime("%d-%m-%Y"),
        "reason": "gekozen in de ledenvergadering"})
    assert response.status_code == 302
    seat = BoardSeat.objects.get(user=person, cooperative=tom)
    assert policy.roles_for(User.objects.get(pk=person.pk), tom).board
    response = client.post(people_url("role_remove", user_id=person.pk), {
        "kind": "board", "record": seat.pk, "reason": "afgetreden"})
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.valid_to == timezone.localdate()  # a seat started today ends today
    role = OrganisationRole.objects.get(user=person)
    client.post(people_url("role_remove", user_id=person.pk), {
        "kind": "director", "record": role.pk, "reason": "vertrokken"})
    assert not OrganisationRole.objects.filter(pk=role.pk).exists()
    deleted = OrganisationRole.history.filter(id=role.pk, history_type="-").get()
    assert deleted.history_user == users["tom-beheerder"]
    assert deleted.history_change_reason == "vertrokken"
    page = client.get(people_url("person", user_id=person.pk)).content.decode()
    assert "afgetreden" in page and "vertrokken" in page and "Gert Mulder" in page


@pytest.mark.django_db
def test_a_role_without_a_reason_is_refused(client, people_url, users):
    person = users["tom-directeur2"]
    login(client, "tom-beheerder")
    response = client.post(people_url("role_add", user_id=person.pk), {"kind": "finance"})
    assert response.status_code == 400 and "Dit veld is verplicht" in response.content.decode()
    assert not CooperativeRole.objects.filter(user=person).exists()


@pytest.mark.django_db
def test_deactivate_signs_out_and_blocks_sign_in(client, people_url, users):
    person = users["tom-directeur2"]
    other = login(client.__class__(), "tom-directeur2")
    assert other.get(reverse("dashboard")).status_code == 302
    login(client, "tom-beheerder")
    response = client.post(people_url("active", user_id=person.pk), {"active": "0",
                                                                      "reason": "vertrokken"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.is_active
    assert other.get(reverse("dashboard")).url.startswith(reverse("login"))
    response = client.post(people_url("active", user_id=person.pk), {"active": "1",
                                                                      "reason": "terug"})
    person.refresh_from_db()
    assert person.is_active
    assert [r.history_change_reason for r in person.history.all()[:2]] == ["terug",
                                                                          "vertrokken"]


@pytest.mark.django_db
def test_an_account_acting_elsewhere_is_not_deactivated_here(tom, users):
    person = users["heerlen-directeur"]
    invite(tom, users, email=person.email)
    with pytest.raises(ValidationError, match="andere coöperatie"):
        services.person_set_active(cooperative=tom, person=person, active=False,
                                   actor=users["tom-beheerder"], reason="weg")
