"""Issue 17, findings 1 and 2: you may only change what you may grant (grant, revoke,
deactivate, edit, admin site), and one current membership per account, role and node."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessment import services
from assessment.models import AuditEvent, Membership, Person, Role, User
from tests.concurrency import race
from tests.test_org import messages_of, person_data

pytestmark = pytest.mark.django_db


def _principal_membership(a) -> Membership:
    return Membership.objects.current().get(user=a.principal, role=Role.PRINCIPAL_LEADER)


def test_unit_admin_cannot_revoke_the_principal_leader(client, login, personas):
    a = personas.a
    login(a.unit_admin)
    page = client.get(reverse("assessment:unit-detail", args=[a.unit.pk])).content.decode()
    assert reverse("assessment:role-revoke", args=[_principal_membership(a).pk]) not in page
    chief = Membership.objects.current().get(user=a.chief)
    assert reverse("assessment:role-revoke", args=[chief.pk]) in page
    response = client.post(
        reverse("assessment:role-revoke", args=[_principal_membership(a).pk]), follow=True
    )
    assert "您无权授予“主要领导”角色，因此也不能撤销。" in messages_of(response)
    assert _principal_membership(a).valid_to is None
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.ROLE_REVOKED).exists()


def test_district_admin_revokes_the_principal_leader(client, login, personas):
    a = personas.a
    login(a.district_admin)
    response = client.post(
        reverse("assessment:role-revoke", args=[_principal_membership(a).pk]), follow=True
    )
    assert "已撤销角色。" in messages_of(response)
    assert not Membership.objects.current().filter(user=a.principal).exists()


def test_unit_admin_cannot_deactivate_the_principal_leader(client, login, personas):
    a = personas.a
    login(a.unit_admin)
    url = reverse("assessment:person-deactivate", args=[a.people["principal"].pk])
    response = client.post(url, follow=True)
    assert "该人员担任“主要领导”，您无权授予该角色，因此也不能停用其账号。" in messages_of(response)
    assert Person.objects.get(pk=a.people["principal"].pk).is_active
    assert User.objects.get(pk=a.principal.pk).is_active
    login(a.district_admin)
    client.post(url)
    assert not User.objects.get(pk=a.principal.pk).is_active


def test_unit_admin_cannot_edit_the_principal_leader(client, login, personas):
    a = personas.a
    principal = a.people["principal"]
    login(a.unit_admin)
    data = person_data(a, name="改名", staff_no=principal.staff_no, section="")
    response = client.post(reverse("assessment:person-edit", args=[principal.pk]), data)
    assert response.status_code == 200
    assert "您无权授予该角色，因此也不能修改其信息" in response.content.decode()
    assert Person.objects.get(pk=principal.pk).name == principal.name
    login(a.district_admin)
    client.post(reverse("assessment:person-edit", args=[principal.pk]), data)
    assert Person.objects.get(pk=principal.pk).name == "改名"


def test_unit_admin_still_changes_roles_they_may_grant(client, login, personas):
    a = personas.a
    login(a.unit_admin)
    chief = Membership.objects.current().get(user=a.chief)
    response = client.post(reverse("assessment:role-revoke", args=[chief.pk]), follow=True)
    assert "已撤销角色。" in messages_of(response)


@pytest.mark.parametrize(
    ("actor", "role", "unit", "allowed"),
    [
        ("unit_admin", Role.SECTION_CHIEF, "unit", True),
        ("unit_admin", Role.HR, "unit", True),
        ("unit_admin", Role.PRINCIPAL_LEADER, "unit", False),
        ("unit_admin", Role.DISCIPLINE, None, False),
        ("unit_admin", Role.SECTION_CHIEF, "other_unit", False),
        ("district_admin", Role.PRINCIPAL_LEADER, "unit", True),
        ("district_admin", Role.DISCIPLINE, None, True),
        ("district_admin", Role.SYSTEM_ADMIN, None, False),
        ("principal", Role.SECTION_CHIEF, "unit", False),
    ],
)
def test_may_change_role_table(personas, actor, role, unit, allowed):
    a = personas.a
    unit_id = getattr(a, unit).pk if unit else None
    got = services.may_change_role(
        a.users[actor], role=role, region_id=a.region.pk, unit_id=unit_id
    )
    assert got is allowed
    other = personas.b  # another region: never
    assert not services.may_change_role(
        a.users[actor], role=role, region_id=other.region.pk, unit_id=other.unit.pk
    )


def test_admin_site_refuses_changing_a_person_with_a_role_out_of_reach(client, login, personas):
    a, b = personas.a, personas.b
    staff = a.people["staff"]
    # staff's account also holds a role in region B, which region A's district admin cannot grant
    Membership.objects.create(user=a.staff, role=Role.DISCIPLINE, region=b.region)
    login(a.district_admin)
    url = reverse("admin:assessment_person_change", args=[staff.pk])
    data = {
        "region": a.region.pk,
        "unit": a.unit.pk,
        "section": a.section.pk,
        "name": "改名",
        "staff_no": staff.staff_no,
        "kind": staff.kind,
        "gender": "M",
        "ethnicity": "汉族",
        "is_active": "on",
    }
    assert client.post(url, data).status_code == 403
    assert Person.objects.get(pk=staff.pk).name == staff.name
    Membership.objects.filter(user=a.staff).delete()
    response = client.post(url, data)
    assert response.status_code == 302
    assert Person.objects.get(pk=staff.pk).name == "改名"


# -- finding 2: one current membership -------------------------------------------------------


def _grant(a):
    return services.role_grant(
        user=a.staff2, role=Role.SECTION_CHIEF, unit=a.unit, section=a.section, by=a.unit_admin
    )


def test_grant_is_idempotent(personas):
    a = personas.a
    first, second = _grant(a), _grant(a)
    assert (first.pk, first.already_held, second.already_held) == (second.pk, False, True)
    assert Membership.objects.filter(user=a.staff2).count() == 1
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ROLE_GRANTED).count() == 1


def test_database_refuses_a_second_open_membership(personas):
    a = personas.a
    kwargs = dict(user=a.chief, role=Role.SECTION_CHIEF, region=a.region, unit=a.unit)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(**kwargs, section=a.section, valid_from=date(2024, 1, 1))
    # region roles (no unit, no section) too: NULLs are compared as 0
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=a.hr, role=Role.HR, region=a.region)
    # an ended one does not count
    Membership.objects.filter(user=a.chief).update(valid_to=date(2025, 1, 1))
    Membership.objects.create(**kwargs, section=a.section)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_grants_leave_exactly_one(personas):
    a = personas.a
    outcomes = race([lambda: _grant(a)] * 10)
    assert all(isinstance(o, Membership) for o in outcomes), outcomes
    assert Membership.objects.current().filter(user=a.staff2).count() == 1
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ROLE_GRANTED).count() == 1
    services.role_revoke(membership=outcomes[0], by=a.unit_admin)
    assert not Membership.objects.current().filter(user=a.staff2).exists()
