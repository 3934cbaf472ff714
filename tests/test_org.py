"""Organisation pages (assessment/views.py) as the unit admin and the district admin: the roster,
people, sections and roles; their error paths; query counts that do not grow with the rows."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.chain import reviewer_chain
from assessment.models import AuditEvent, Membership, Person, Role, Section, Unit, User

pytestmark = pytest.mark.django_db

MANAGERS = ["unit_admin", "district_admin"]


def person_data(cast, **overrides) -> dict:
    data = {
        "name": "新同事",
        "staff_no": "N0001",
        "kind": Person.Kind.CIVIL_SERVANT,
        "gender": "F",
        "birth_date": "1995-05-01",
        "ethnicity": "汉族",
        "political_status": "中共党员",
        "education": "大学本科",
        "unit": cast.unit.pk,
        "section": cast.section.pk,
        "position": "一级科员",
        "in_post_since": "2024-01-01",
        "work_in_charge": "财务管理",
    }
    data.update(overrides)
    return data


def edit_data(person: Person, **overrides) -> dict:
    data = {
        "name": person.name,
        "staff_no": person.staff_no,
        "kind": person.kind,
        "gender": person.gender,
        "birth_date": person.birth_date.isoformat() if person.birth_date else "",
        "ethnicity": person.ethnicity,
        "political_status": person.political_status,
        "education": person.education,
        "unit": person.unit_id,
        "section": person.section_id or "",
        "position": person.position,
        "in_post_since": "",
        "work_in_charge": person.work_in_charge,
    }
    data.update(overrides)
    return data


def field_errors(response, name: str) -> list[str]:
    """Errors rendered inside the field's own block (templates/_field.html)."""
    html = response.content.decode()
    block = re.search(
        rf'<div class="field has-error">\s*<label for="id_{name}">.*?</div>', html, re.S
    )
    return re.findall(r'<p class="error">([^<]*)</p>', block.group(0)) if block else []


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# -- happy paths -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", MANAGERS)
def test_unit_list_shows_the_managed_units(client, login, personas, who):
    a = personas.a
    page = login(a.users[who]).get("/org/units/").content.decode()
    assert "a财政局" in page
    assert ("a教育局" in page) is (who == "district_admin")
    assert "b财政局" not in page
    units = {u.name: u for u in client.get("/org/units/").context["units"]}
    assert units["a财政局"].active_people == 6
    assert units["a财政局"].section_count == 2


@pytest.mark.parametrize("who", MANAGERS)
def test_unit_detail_lists_roster_sections_and_roles(client, login, personas, who):
    a = personas.a
    page = login(a.users[who]).get(f"/org/units/{a.unit.pk}/").content.decode()
    for key in ("principal", "leader", "chief", "staff", "staff2", "unit_admin"):
        assert f"a{key}" in page
    assert "aother_staff" not in page  # another unit's roster
    assert "综合股" in page and "业务股" in page
    assert "股组长 · achief · 综合股" in page


@pytest.mark.parametrize("who", MANAGERS)
def test_unit_detail_search_by_name_or_staff_number(client, login, personas, who):
    a = personas.a
    login(a.users[who])
    roster = client.get(f"/org/units/{a.unit.pk}/", {"q": "astaff2"}).context["page"]
    assert [p.name for p in roster] == ["astaff2"]
    staff_no = a.people["chief"].staff_no
    roster = client.get(f"/org/units/{a.unit.pk}/", {"q": staff_no}).context["page"]
    assert [p.name for p in roster] == ["achief"]
    response = client.get(f"/org/units/{a.unit.pk}/", {"q": "无此人"})
    assert list(response.context["page"]) == []
    assert "暂无人员。" in response.content.decode()


def test_unit_search_ignores_nul_characters(client, login, personas):
    """PostgreSQL refuses NUL in a string parameter: it must never reach the query."""
    a = personas.a
    login(a.unit_admin)
    response = client.get(f"/org/units/{a.unit.pk}/", {"q": "astaff2\x00"})
    assert response.status_code == 200
    assert [p.name for p in response.context["page"]] == ["astaff2"]


def test_unit_detail_hides_inactive_people_unless_asked(client, login, personas):
    a = personas.a
    Person.objects.filter(pk=a.people["staff2"].pk).update(is_active=False)
    login(a.unit_admin)
    assert "astaff2" not in client.get(f"/org/units/{a.unit.pk}/").content.decode()
    assert "astaff2" in client.get(f"/org/units/{a.unit.pk}/", {"all": "1"}).content.decode()


@pytest.mark.parametrize("who", MANAGERS)
def test_person_create(client, login, personas, who):
    a = personas.a
    login(a.users[who])
    form = client.get(f"/org/units/{a.unit.pk}/people/new/")
    assert form.status_code == 200
    assert form.context["form"]["unit"].value() == a.unit.pk
    response = client.post(f"/org/units/{a.unit.pk}/people/new/", person_data(a))
    assert response.status_code == 302
    assert response["Location"] == f"/org/units/{a.unit.pk}/"
    person = Person.objects.get(staff_no="N0001")
    assert (person.name, person.region, person.unit, person.section) == (
        "新同事",
        a.region,
        a.unit,
        a.section,
    )
    assert person.history.first().history_change_reason == "新增人员"
    assert "已保存 新同事。" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("who", MANAGERS)
def test_person_edit(client, login, personas, who):
    a = personas.a
    person = a.people["staff"]
    login(a.users[who])
    assert client.get(f"/org/people/{person.pk}/edit/").status_code == 200
    response = client.post(
        f"/org/people/{person.pk}/edit/", edit_data(person, position="四级主任科员")
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.position == "四级主任科员"
    assert person.history.first().history_change_reason == "编辑人员信息"


@pytest.mark.parametrize("who", MANAGERS)
def test_move_to_another_section_of_the_unit(client, login, personas, who):
    a = personas.a
    person = a.people["staff"]
    login(a.users[who])
    response = client.post(
        f"/org/people/{person.pk}/edit/", edit_data(person, section=a.other_section.pk)
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.section == a.other_section
    # the new section has no chief or leader: straight to the principal
    assert [s.user_id for s in reviewer_chain(person)] == [a.principal.pk]


def test_district_admin_moves_a_person_to_another_unit_of_the_region(client, login, personas):
    a = personas.a
    person = a.people["staff"]
    login(a.district_admin)
    response = client.post(
        f"/org/people/{person.pk}/edit/", edit_data(person, unit=a.other_unit.pk, section="")
    )
    assert response.status_code == 302
    assert response["Location"] == f"/org/units/{a.other_unit.pk}/"
    person.refresh_from_db()
    assert (person.unit, person.section, person.region) == (a.other_unit, None, a.region)


def test_moving_a_chief_to_another_unit_ends_their_roles_in_the_old_one(client, login, personas):
    a = personas.a
    chief = a.people["chief"]
    login(a.district_admin)
    response = client.post(
        f"/org/people/{chief.pk}/edit/", edit_data(chief, unit=a.other_unit.pk, section="")
    )
    assert response.status_code == 302
    assert not Membership.objects.current().filter(user=a.chief, unit=a.unit).exists()
    assert [s.user_id for s in reviewer_chain(a.people["staff"])] == [a.leader.pk, a.principal.pk]


def test_unit_admin_cannot_move_a_person_out_of_their_unit(client, login, personas):
    a = personas.a
    person = a.people["staff"]
    login(a.unit_admin)
    response = client.post(
        f"/org/people/{person.pk}/edit/", edit_data(person, unit=a.other_unit.pk, section="")
    )
    assert response.status_code == 200
    assert field_errors(response, "unit") == ["选择一个有效的选项： 该选择不在可用的选项中。"]
    person.refresh_from_db()
    assert person.unit == a.unit


@pytest.mark.parametrize("who", MANAGERS)
def test_deactivate_ends_the_persons_roles_in_the_unit(client, login, personas, who):
    a = personas.a
    chief = a.people["chief"]
    login(a.users[who])
    response = client.post(f"/org/people/{chief.pk}/deactivate/")
    assert response.status_code == 302
    chief.refresh_from_db()
    assert chief.is_active is False
    membership = Membership.objects.get(user=a.chief, role=Role.SECTION_CHIEF)
    assert membership.valid_to == timezone.localdate()
    assert not Membership.objects.current().filter(user=a.chief).exists()
    page = client.get(response["Location"]).content.decode()
    assert "已停用 achief，其账号已不能登录。" in page
    assert "股组长 · achief" not in page
    assert [s.user_id for s in reviewer_chain(a.people["staff"])] == [a.leader.pk, a.principal.pk]


def test_deactivate_needs_post(client, login, personas):
    a = personas.a
    login(a.unit_admin)
    assert client.get(f"/org/people/{a.people['staff'].pk}/deactivate/").status_code == 405
    assert Person.objects.get(pk=a.people["staff"].pk).is_active


def test_a_deactivated_person_can_no_longer_sign_in_and_their_session_ends(client, login, personas):
    a = personas.a
    staff_client = Client()
    staff_client.force_login(a.staff)
    assert staff_client.get("/logs/").status_code == 200
    login(a.unit_admin)
    client.post(f"/org/people/{a.people['staff'].pk}/deactivate/")
    assert User.objects.get(pk=a.staff.pk).is_active is False
    assert staff_client.get("/logs/")["Location"].startswith(reverse("login"))
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.ACCOUNT_DISABLED)
    assert (event.user, event.detail["target"]) == (a.unit_admin, a.staff.username)


def test_region_wide_roles_are_ended_only_by_a_district_admin(client, login, personas):
    a = personas.a
    hr = a.people["hr"]
    login(a.unit_admin)  # hr's person sits in the unit this admin manages
    hr.unit = a.unit
    hr.save()
    response = client.post(f"/org/people/{hr.pk}/deactivate/", follow=True)
    assert "该人员担任“人事干部”，您无权授予该角色，因此也不能停用其账号。" in messages_of(response)
    assert Person.objects.get(pk=hr.pk).is_active
    assert Membership.objects.current().filter(user=a.hr, role=Role.HR).exists()
    login(a.district_admin)
    client.post(f"/org/people/{hr.pk}/deactivate/")
    assert not Membership.objects.current().filter(user=a.hr).exists()
    assert User.objects.get(pk=a.hr.pk).is_active is False


def test_an_admin_cannot_deactivate_themself(client, login, personas):
    a = personas.a
    me = a.people["unit_admin"]
    login(a.unit_admin)
    response = client.post(f"/org/people/{me.pk}/deactivate/", follow=True)
    assert "不能停用自己的账号。" in messages_of(response)
    assert Person.objects.get(pk=me.pk).is_active and User.objects.get(pk=a.unit_admin.pk).is_active


def test_only_a_district_admin_appoints_a_principal_leader(client, login, personas):
    a = personas.a
    data = {"person": a.people["staff2"].pk, "role": Role.PRINCIPAL_LEADER}
    login(a.unit_admin)
    response = client.post(f"/org/units/{a.unit.pk}/roles/grant/", data, follow=True)
    assert "主要领导角色只能由区管理员授予。" in messages_of(response)
    assert not Membership.objects.filter(user=a.staff2, role=Role.PRINCIPAL_LEADER).exists()
    login(a.district_admin)
    response = client.post(f"/org/units/{a.unit.pk}/roles/grant/", data, follow=True)
    assert "已授予角色。" in messages_of(response)
    assert Membership.objects.current().filter(user=a.staff2, role=Role.PRINCIPAL_LEADER).exists()


@pytest.mark.parametrize("who", MANAGERS)
def test_section_create(client, login, personas, who):
    a = personas.a
    login(a.users[who])
    response = client.post(f"/org/units/{a.unit.pk}/sections/new/", {"name": "督查股"})
    assert response.status_code == 302
    section = Section.objects.get(unit=a.unit, name="督查股")
    assert section.region == a.region
    assert "已新建组室。" in client.get(response["Location"]).content.decode()


def test_section_create_refuses_a_blank_or_duplicate_name(client, login, personas):
    a = personas.a
    login(a.unit_admin)
    response = client.post(f"/org/units/{a.unit.pk}/sections/new/", {"name": ""}, follow=True)
    assert "请填写组室名称。" in messages_of(response)
    response = client.post(f"/org/units/{a.unit.pk}/sections/new/", {"name": "综合股"}, follow=True)
    assert response.status_code == 200
    assert "本单位已有名为“综合股”的组室。" in messages_of(response)
    assert Section.objects.filter(unit=a.unit, name="综合股").count() == 1


@pytest.mark.parametrize("who", MANAGERS)
def test_role_grant_and_revoke(client, login, personas, who):
    a = personas.a
    login(a.users[who])
    response = client.post(
        f"/org/units/{a.unit.pk}/roles/grant/",
        {
            "person": a.people["staff2"].pk,
            "role": Role.SECTION_CHIEF,
            "section": a.other_section.pk,
        },
        follow=True,
    )
    assert "已授予角色。" in messages_of(response)
    membership = Membership.objects.current().get(user=a.staff2, role=Role.SECTION_CHIEF)
    assert (membership.region, membership.unit, membership.section) == (
        a.region,
        a.unit,
        a.other_section,
    )
    assert "股组长 · astaff2 · 业务股" in response.content.decode()

    response = client.post(f"/org/roles/{membership.pk}/revoke/", follow=True)
    assert "已撤销角色。" in messages_of(response)
    membership.refresh_from_db()
    assert membership.valid_to == timezone.localdate()
    assert not Membership.objects.current().filter(user=a.staff2).exists()


def test_an_ended_role_cannot_be_revoked_again(client, login, personas):
    a = personas.a
    membership = Membership.objects.get(user=a.chief, role=Role.SECTION_CHIEF)
    ended = timezone.localdate() - timedelta(days=400)
    Membership.objects.filter(pk=membership.pk).update(valid_to=ended)
    login(a.unit_admin)
    assert client.post(f"/org/roles/{membership.pk}/revoke/").status_code == 404
    membership.refresh_from_db()
    assert membership.valid_to == ended  # its history is not rewritten


def test_revoke_of_a_role_ended_meanwhile_is_refused_by_the_service(personas):
    from assessment import services

    a = personas.a
    membership = Membership.objects.get(user=a.chief, role=Role.SECTION_CHIEF)
    services.role_revoke(membership=membership, by=a.unit_admin)
    with pytest.raises(ValidationError, match="该角色已不在任"):
        services.role_revoke(membership=membership, by=a.unit_admin)


def test_hr_for_one_unit_is_granted_without_a_section(client, login, personas):
    a = personas.a
    login(a.unit_admin)
    client.post(
        f"/org/units/{a.unit.pk}/roles/grant/",
        {"person": a.people["staff2"].pk, "role": Role.HR, "section": a.section.pk},
    )
    membership = Membership.objects.get(user=a.staff2, role=Role.HR)
    assert (membership.unit, membership.section) == (a.unit, None)


# -- error paths -------------------------------------------------------------------------------


def test_section_role_without_a_section_is_refused(client, login, personas):
    a = personas.a
    login(a.unit_admin)
    response = client.post(
        f"/org/units/{a.unit.pk}/roles/grant/",
        {"person": a.people["staff2"].pk, "role": Role.LEADER_IN_CHARGE, "section": ""},
        follow=True,
    )
    assert "股组长、分管领导必须指定组室。" in messages_of(response)
    assert not Membership.objects.filter(user=a.staff2).exists()


def test_the_same_role_twice_is_refused(client, login, personas):
    a = personas.a
    login(a.unit_admin)
    response = client.post(
        f"/org/units/{a.unit.pk}/roles/grant/",
        {"person": a.people["chief"].pk, "role": Role.SECTION_CHIEF, "section": a.section.pk},
        follow=True,
    )
    assert "该账号已担任此角色。" in messages_of(response)
    assert Membership.objects.filter(user=a.chief).count() == 1


def test_an_admin_cannot_grant_a_role_to_themself(client, login, personas):
    a = personas.a
    login(a.unit_admin)
    response = client.post(
        f"/org/units/{a.unit.pk}/roles/grant/",
        {"person": a.people["unit_admin"].pk, "role": Role.SECTION_CHIEF, "section": a.section.pk},
        follow=True,
    )
    assert "不能给自己授予角色。" in messages_of(response)
    assert not Membership.objects.filter(user=a.unit_admin, role=Role.SECTION_CHIEF).exists()


def test_a_separated_admin_account_cannot_get_another_role(client, login, personas):
    a = personas.a
    person = Person.objects.create(
        region=a.region,
        unit=a.unit,
        user=personas.auditor,
        name="审计员",
        staff_no="S9",
        gender="M",
    )
    login(a.unit_admin)
    response = client.post(
        f"/org/units/{a.unit.pk}/roles/grant/",
        {"person": person.pk, "role": Role.HR},
        follow=True,
    )
    assert "三员账号不能兼任其他角色。" in messages_of(response)
    assert list(personas.auditor.memberships.values_list("role", flat=True)) == [Role.AUDIT_ADMIN]


def test_a_separated_admin_role_cannot_be_posted(client, login, personas):
    a = personas.a
    login(a.district_admin)
    client.post(
        f"/org/units/{a.unit.pk}/roles/grant/",
        {"person": a.people["staff2"].pk, "role": Role.SYSTEM_ADMIN},
    )
    assert not Membership.objects.filter(user=a.staff2).exists()


def test_duplicate_staff_number_is_refused_beside_the_field(client, login, personas):
    a = personas.a
    login(a.unit_admin)
    taken = a.people["staff"].staff_no
    response = client.post(
        f"/org/units/{a.unit.pk}/people/new/", person_data(a, staff_no=taken, name="重名者")
    )
    assert response.status_code == 200
    assert field_errors(response, "staff_no") == ["本区已有该工号的人员。"]
    assert 'value="重名者"' in response.content.decode()
    assert not Person.objects.filter(name="重名者").exists()


def test_same_staff_number_in_another_region_is_fine(client, login, personas):
    a = personas.a
    login(a.unit_admin)
    response = client.post(
        f"/org/units/{a.unit.pk}/people/new/",
        person_data(a, staff_no=personas.b.people["staff"].staff_no),
    )
    assert response.status_code == 302


def test_editing_to_a_taken_staff_number_is_refused(client, login, personas):
    a = personas.a
    person = a.people["staff"]
    login(a.unit_admin)
    response = client.post(
        f"/org/people/{person.pk}/edit/", edit_data(person, staff_no=a.people["chief"].staff_no)
    )
    assert field_errors(response, "staff_no") == ["本区已有该工号的人员。"]


@pytest.mark.parametrize("who", MANAGERS)
def test_unit_of_another_region_is_refused_beside_the_field(client, login, personas, who):
    a, b = personas.a, personas.b
    login(a.users[who])
    response = client.post(
        f"/org/units/{a.unit.pk}/people/new/",
        person_data(a, unit=b.unit.pk, section="", name="跨区者", position="借调"),
    )
    assert response.status_code == 200
    assert field_errors(response, "unit") == ["选择一个有效的选项： 该选择不在可用的选项中。"]
    page = response.content.decode()
    assert 'value="跨区者"' in page and 'value="借调"' in page
    assert "b财政局" not in page
    assert not Person.objects.filter(name="跨区者").exists()


@pytest.mark.parametrize("who", MANAGERS)
def test_section_of_another_region_is_refused_beside_the_field(client, login, personas, who):
    a, b = personas.a, personas.b
    person = a.people["staff"]
    login(a.users[who])
    response = client.post(
        f"/org/people/{person.pk}/edit/", edit_data(person, section=b.section.pk)
    )
    assert response.status_code == 200
    assert field_errors(response, "section") == ["选择一个有效的选项： 该选择不在可用的选项中。"]
    person.refresh_from_db()
    assert person.section == a.section


def test_section_of_another_unit_is_refused_beside_the_field(client, login, personas):
    a = personas.a
    elsewhere = Section.objects.create(region=a.region, unit=a.other_unit, name="外股")
    login(a.district_admin)
    response = client.post(
        f"/org/units/{a.unit.pk}/people/new/", person_data(a, section=elsewhere.pk)
    )
    assert field_errors(response, "section") == ["组室必须属于所选单位。"]


def test_other_region_pages_are_404(client, login, personas):
    a, b = personas.a, personas.b
    login(a.district_admin)
    for url in (
        f"/org/units/{b.unit.pk}/",
        f"/org/units/{b.unit.pk}/people/new/",
        f"/org/people/{b.people['staff'].pk}/edit/",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/org/units/{b.unit.pk}/sections/new/",
        f"/org/units/{b.unit.pk}/roles/grant/",
        f"/org/people/{b.people['staff'].pk}/deactivate/",
        f"/org/roles/{b.chief.memberships.get().pk}/revoke/",
    ):
        assert client.post(url, {"name": "x"}).status_code == 404, url
    assert Person.objects.get(pk=b.people["staff"].pk).is_active
    assert not Section.objects.filter(name="x").exists()


def test_unit_admin_gets_404_for_another_unit_of_the_region(client, login, personas):
    a = personas.a
    login(a.unit_admin)
    assert client.get(f"/org/units/{a.other_unit.pk}/").status_code == 404
    assert client.get(f"/org/people/{a.people['other_staff'].pk}/edit/").status_code == 404


def test_region_roles_cannot_be_revoked_through_a_unit(client, login, personas):
    a = personas.a
    login(a.district_admin)
    membership = a.hr.memberships.get()
    assert client.post(f"/org/roles/{membership.pk}/revoke/").status_code == 404
    membership.refresh_from_db()
    assert membership.valid_to is None


TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=120)
GARBAGE = st.one_of(
    TEXT,
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["", "0", "-1", "1e3", "None", "null", "2024-02-30", "１２", "\x00"]),
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    fields=st.dictionaries(
        st.sampled_from(
            [
                "name",
                "staff_no",
                "kind",
                "gender",
                "birth_date",
                "ethnicity",
                "political_status",
                "education",
                "unit",
                "section",
                "position",
                "in_post_since",
                "work_in_charge",
            ]
        ),
        GARBAGE,
    ),
    use_ids=st.booleans(),
)
def test_person_form_never_answers_500(client, personas, fields, use_ids):
    a = personas.a
    client.force_login(a.unit_admin)
    data = person_data(a) if use_ids else {}
    data.update(fields)
    response = client.post(f"/org/units/{a.unit.pk}/people/new/", data)
    assert response.status_code < 500
    if response.status_code == 200:  # refused, with a message (an empty POST is a blank form)
        form = response.context["form"]
        assert form.errors or not data
    else:
        assert response.status_code == 302


# -- query counts ------------------------------------------------------------------------------


def add_people(cast, n: int, start: int = 0) -> None:
    Person.objects.bulk_create(
        Person(
            region=cast.region,
            unit=cast.unit,
            section=(cast.section, cast.other_section, None)[i % 3],
            name=f"加{i}",
            staff_no=f"X{i:04d}",
            gender="M",
            position="科员",
        )
        for i in range(start, start + n)
    )


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", MANAGERS)
def test_unit_detail_costs_the_same_with_1_and_50_people(client, login, personas, who):
    a = personas.a
    Person.objects.filter(unit=a.unit).exclude(user=a.users[who]).delete()
    login(a.users[who])
    url = f"/org/units/{a.unit.pk}/"
    add_people(a, 1)
    one = count_queries(client, url)
    add_people(a, 49, start=1)
    fifty = count_queries(client, url)
    assert len(client.get(url).context["page"]) >= 50
    assert fifty == one


@pytest.mark.parametrize("who", MANAGERS)
def test_unit_list_costs_the_same_with_1_and_50_people(client, login, personas, who):
    a = personas.a
    login(a.users[who])
    one = count_queries(client, "/org/units/")
    add_people(a, 50)
    for i in range(5):
        Unit.objects.create(
            region=a.region, category=a.category, code=f"extra{i}", name=f"新单位{i}"
        )
    fifty = count_queries(client, "/org/units/")
    assert fifty == one


def test_person_form_and_unit_detail_cost_the_same_with_1_and_20_sections(client, login, personas):
    a = personas.a
    login(a.district_admin)
    form_url = f"/org/people/{a.people['staff'].pk}/edit/"
    detail_url = f"/org/units/{a.unit.pk}/"
    before = count_queries(client, form_url), count_queries(client, detail_url)
    for i in range(20):
        Section.objects.create(region=a.region, unit=a.unit, name=f"股{i}")
    assert (count_queries(client, form_url), count_queries(client, detail_url)) == before


# -- tenancy: what each role reaches -----------------------------------------------------------

A_UNIT_PEOPLE = {"principal", "leader", "chief", "staff", "staff2", "unit_admin"}
A_SECTION_PEOPLE = {"chief", "staff", "staff2", "unit_admin"}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("district_admin", "region"),
        ("hr", "region"),
        ("discipline", {"discipline"}),  # negative records only: assessment/access.py
        ("unit_admin", A_UNIT_PEOPLE),
        ("principal", A_UNIT_PEOPLE),
        ("leader", A_SECTION_PEOPLE | {"leader"}),  # their own record, outside the section
        ("chief", A_SECTION_PEOPLE),
        ("staff", {"staff"}),
        ("other_staff", {"other_staff"}),
    ],
)
def test_people_visible_to_each_role(personas, who, expected):
    a = personas.a
    if expected == "region":
        expected = set(a.people)
    visible = Person.objects.visible_to(a.users[who])
    assert set(visible.values_list("name", flat=True)) == {f"a{k}" for k in expected}


def test_separated_admins_and_inactive_accounts_see_no_people(personas):
    for user in (personas.system_admin, personas.security_admin, personas.auditor):
        assert not Person.objects.visible_to(user).exists()
    district_admin = personas.a.district_admin
    district_admin.is_active = False
    assert not Person.objects.visible_to(district_admin).exists()


def test_tenant_rows_are_visible_only_in_the_own_region(personas):
    a, b = personas.a, personas.b
    assert set(Unit.objects.visible_to(a.staff)) == {a.unit, a.other_unit}
    assert set(Section.objects.visible_to(b.chief)) == {b.section, b.other_section}
    assert not Unit.objects.visible_to(personas.system_admin).exists()


def test_date_inputs_render_iso_dates_for_the_browser(login, personas):
    from django.urls import reverse

    page = (
        login(personas.a.unit_admin)
        .get(reverse("assessment:person-edit", args=[personas.a.people["staff"].pk]))
        .content.decode()
    )
    assert 'name="birth_date" value="1990-01-01"' in page


def test_any_date_input_renders_iso_in_chinese():
    from datetime import date

    from django import forms
    from django.utils import translation

    with translation.override("zh-hans"):
        html = forms.DateInput(attrs={"type": "date"}).render("d", date(2026, 11, 27))
    assert 'value="2026-11-27"' in html
