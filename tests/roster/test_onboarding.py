"""Onboarding: roster import (preview, all-or-nothing, idempotent), accounts with one-time
passwords shown once, password resets."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from assessment.models import AuditEvent, Membership, Person, RosterImport, Section, User
from assessment.roster import services
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

HEADER = "工号,姓名,性别,出生年月,政治面貌,单位代码,组室,职务职级,人员身份,现任职时间"


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8-sig")


def _upload(client, data: bytes, *, unit="", create_sections=False, name="名册.csv"):
    return client.post(
        reverse("roster:upload"),
        {
            "unit": unit,
            "file": SimpleUploadedFile(name, data),
            **({"create_sections": "on"} if create_sections else {}),
        },
    )


def _confirm(client, batch, reason="2026 年名册同步", **extra):
    return client.post(reverse("roster:confirm", args=[batch.pk]), {"reason": reason, **extra})


ROWS = (
    "N001,王一,男,1988-05,中共党员,a-u1,综合股,一级科员,公务员,2022-01",
    "N002,李二,女,1990.3,群众,a-u2,,科员,借用人员,",
)


def test_import_previews_then_creates_people_with_history(login, personas):
    client = login(personas.a.district_admin)
    response = _upload(client, _csv(*ROWS))
    batch = RosterImport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{batch.pk}/")
    assert not Person.objects.filter(staff_no__startswith="N").exists()  # preview only
    page = client.get(reverse("roster:detail", args=[batch.pk])).content.decode()
    assert "将新建 2 人" in page and "王一" in page
    response = _confirm(client, batch)
    assert response.status_code == 302
    wang = Person.objects.get(staff_no="N001")
    li = Person.objects.get(staff_no="N002")
    assert (wang.unit, wang.section, wang.gender) == (personas.a.unit, personas.a.section, "M")
    assert str(wang.birth_date) == "1988-05-01" and str(wang.in_post_since) == "2022-01-01"
    assert li.kind == Person.Kind.SECONDED and li.unit == personas.a.other_unit
    assert li.gender == "F" and li.section is None and li.region == personas.a.region
    record = wang.history.get()
    assert record.history_user == personas.a.district_admin
    assert record.history_change_reason == "名册导入：2026 年名册同步"
    batch.refresh_from_db()
    assert batch.status == "applied" and batch.counts["created"] == 2


def test_second_import_of_the_same_file_changes_nothing(login, personas):
    client = login(personas.a.district_admin)
    for _ in range(2):
        _upload(client, _csv(*ROWS))
        _confirm(client, RosterImport.objects.first())
    second = RosterImport.objects.first()
    assert second.counts == {
        "created": 0,
        "updated": 0,
        "unchanged": 2,
        "deactivated": 0,
        "sections": 0,
    }
    assert Person.history.filter(staff_no="N001").count() == 1


def test_update_changes_only_the_fields_in_the_file(login, personas):
    staff = personas.a.people["staff"]
    client = login(personas.a.district_admin)
    _upload(
        client, _csv(f"{staff.staff_no},{staff.name},男,1990-01,,a-u1,综合股,二级主任科员,公务员,")
    )
    batch = RosterImport.objects.get()
    assert batch.rows[0]["action"] == "update" and batch.rows[0]["changed"] == ["position"]
    _confirm(client, batch, reason="职级晋升")
    staff.refresh_from_db()
    assert staff.position == "二级主任科员" and staff.user_id  # account kept
    assert staff.history.first().history_change_reason == "名册导入：职级晋升"


@pytest.mark.parametrize(
    "row, message",
    [
        ("N001,王一,男,1988-05,,b-u1,,科员,公务员,", "单位代码 b-u1 在本区不存在"),
        ("N001,王一,男,1988-05,,zz-9,,科员,公务员,", "单位代码 zz-9 在本区不存在"),
        ("N001,王一,未知,1988-05,,a-u1,,科员,公务员,", "性别“未知”无法识别"),
        ("N001,王一,男,1988-13-45,,a-u1,,科员,公务员,", "出生年月“1988-13-45”无法识别"),
        ("N001,,男,1988-05,,a-u1,,科员,公务员,", "姓名不能为空"),
        ("N001,王一,男,1988-05,,a-u1,,科员,临时工,", "人员身份“临时工”无法识别"),
        ("N 001,王一,男,1988-05,,a-u1,,科员,公务员,", "格式不对"),
        ("N001,王一,,1988-05,,a-u1,,科员,公务员,", "性别“”无法识别"),
    ],
)
def test_bad_rows_are_reported_and_nothing_is_saved(login, personas, row, message):
    client = login(personas.a.district_admin)
    _upload(client, _csv(row, ROWS[1]))
    batch = RosterImport.objects.get()
    assert batch.errors and message in " ".join(batch.errors[0]["errors"])
    assert batch.errors[0]["row"] == 2
    response = _confirm(client, batch)
    assert "名册有错误" in client.get(response["Location"]).content.decode()
    assert not Person.objects.filter(staff_no__in=["N001", "N002"]).exists()


def test_duplicates_in_the_file_are_row_errors(login, personas):
    client = login(personas.a.district_admin)
    _upload(client, _csv(ROWS[0], ROWS[0].replace("王一", "王二")))
    batch = RosterImport.objects.get()
    assert batch.errors == [{"row": 3, "errors": ["工号 N001 与第 2 行重复。"]}]


def test_a_section_of_another_unit_is_an_error_unless_new_sections_are_asked_for(login, personas):
    Section.objects.create(region=personas.a.region, unit=personas.a.other_unit, name="教研室")
    client = login(personas.a.district_admin)
    row = "N001,王一,男,1988-05,,a-u1,教研室,科员,公务员,"
    _upload(client, _csv(row))
    batch = RosterImport.objects.get()
    assert "不属于单位 a财政局（该组室属于a教育局）" in batch.errors[0]["errors"][0]
    _upload(client, _csv(row), create_sections=True)
    batch = RosterImport.objects.first()
    assert not batch.errors
    _confirm(client, batch)
    person = Person.objects.get(staff_no="N001")
    assert person.section.unit == personas.a.unit and person.section.name == "教研室"


def test_unit_admin_imports_only_their_unit(login, personas):
    other = personas.a.people["other_staff"]
    client = login(personas.a.unit_admin)
    data = _csv(
        "N001,王一,男,1988-05,,a-u2,,科员,公务员,",
        f"{other.staff_no},{other.name},男,1990-01,,a-u1,,科员,公务员,",
        "N003,张三,男,1988-05,,,,科员,公务员,",
    )
    assert _upload(client, data, unit="").status_code == 200  # the unit must be chosen
    _upload(client, data, unit=str(personas.a.unit.pk))
    batch = RosterImport.objects.get()
    problems = {e["row"]: " ".join(e["errors"]) for e in batch.errors}
    assert "不在您的导入范围内" in problems[2]
    assert "是其他单位的人员" in problems[3]
    assert 4 not in problems  # no unit code: the admin's own unit


def test_missing_people_are_deactivated_only_when_asked(login, personas):
    chief = personas.a.people["chief"]
    client = login(personas.a.unit_admin)
    unit_people = Person.objects.filter(unit=personas.a.unit).exclude(pk=chief.pk)
    rows = [f"{p.staff_no},{p.name},男,1990-01,,a-u1,,科员,公务员," for p in unit_people]
    _upload(client, _csv(*rows), unit=str(personas.a.unit.pk))
    batch = RosterImport.objects.get()
    assert [m[0] for m in batch.missing] == [chief.pk]
    _confirm(client, batch)
    chief.refresh_from_db()
    assert chief.is_active
    _upload(client, _csv(*rows), unit=str(personas.a.unit.pk))
    _confirm(client, RosterImport.objects.first(), deactivate_missing="on")
    chief.refresh_from_db()
    chief.user.refresh_from_db()
    assert not chief.is_active and not chief.user.is_active
    assert not Membership.objects.current().filter(user=chief.user).exists()


def test_identity_card_numbers_are_never_stored(login, personas):
    client = login(personas.a.district_admin)
    _upload(client, _csv(ROWS[0] + ",110101198805051234", header=HEADER + ",身份证号"))
    batch = RosterImport.objects.get()
    assert not batch.errors
    assert "110101198805051234" not in str(batch.rows) + str(batch.errors)


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("名册.xlsx", b"PK\x03\x04" + b"\x00junk" * 100, "无法读取 xlsx 文件"),
        ("名册.csv", b"x" * (6 * 1024 * 1024), "文件过大"),
        ("名册.doc", b"hello", "只支持 xlsx 或 csv"),
        ("名册.csv", "姓名\n王一\n".encode(), "表头缺少列：工号"),
    ],
)
def test_unreadable_files_get_a_clear_message(login, personas, name, data, message):
    client = login(personas.a.district_admin)
    response = _upload(client, data, name=name)
    assert response.status_code == 200 and message in response.content.decode()
    assert not RosterImport.objects.exists()


def test_template_lists_only_the_region_units(login, personas):
    client = login(personas.b.district_admin)
    response = client.get(reverse("roster:template"))
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book["人员名册"][1]][:3] == ["工号", "姓名", "性别"]
    codes = [row[0].value for row in book["单位代码"].iter_rows(min_row=2)]
    assert codes == ["b-u1", "b-u2"]


def test_the_preview_costs_the_same_queries_for_any_size(
    login, personas, django_assert_max_num_queries
):
    client = login(personas.a.district_admin)
    for count in (1, 60):
        rows = [f"M{i:03d},人员{i},男,1990-01,,a-u1,,科员,公务员," for i in range(count)]
        _upload(client, _csv(*rows))
        batch = RosterImport.objects.first()
        with django_assert_max_num_queries(12):
            assert client.get(reverse("roster:detail", args=[batch.pk])).status_code == 200


def test_another_admin_cannot_see_or_confirm_an_import(login, personas, client):
    login(personas.a.district_admin)
    _upload(client, _csv(*ROWS))
    batch = RosterImport.objects.get()
    for user in (personas.a.unit_admin, personas.b.district_admin):
        client.force_login(user)
        assert client.get(reverse("roster:detail", args=[batch.pk])).status_code == 404
        assert _confirm(client, batch).status_code == 404
    assert not Person.objects.filter(staff_no="N001").exists()


# -- accounts --------------------------------------------------------------------------------


def _new_people(personas, count=3):
    return [
        Person.objects.create(
            region=personas.a.region,
            unit=personas.a.unit,
            name=f"新人{i}",
            staff_no=f"X{i:03d}",
            gender="F",
        )
        for i in range(count)
    ]


def test_accounts_are_opened_with_one_time_passwords_shown_once(login, personas, client):
    people = _new_people(personas)
    gone = Person.objects.create(
        region=personas.a.region,
        unit=personas.a.unit,
        name="已调出",
        staff_no="X900",
        gender="M",
        is_active=False,
    )
    login(personas.a.unit_admin)
    response = client.post(
        reverse("roster:accounts"), {"unit": personas.a.unit.pk, "rule": "staff_no"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    slips = response.context["slips"]
    assert [s.username for s in slips] == ["x000", "x001", "x002"]
    gone.refresh_from_db()
    assert gone.user is None
    for person, slip in zip(people, slips, strict=True):
        person.refresh_from_db()
        assert person.user.username == slip.username and slip.password in page
        assert slip.password not in person.user.password  # only a hash is stored
        assert authenticate(username=slip.username, password=slip.password) == person.user
    assert not AuditEvent.objects.filter(detail__icontains=slips[0].password).exists()
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.ACCOUNTS_CREATED)
    assert event.detail["count"] == 3 and event.user == personas.a.unit_admin
    # the first login must change the password
    client.logout()
    client.force_login(User.objects.get(pk=people[0].user_id))  # hash upgraded at authenticate
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    # a second run opens nothing new
    client.force_login(personas.a.unit_admin)
    response = client.post(
        reverse("roster:accounts"), {"unit": personas.a.unit.pk, "rule": "staff_no"}
    )
    assert response.context["slips"] == []


def test_a_taken_username_is_reported_not_reused(login, personas):
    [person] = _new_people(personas, 1)
    User.objects.create(username="x000")
    slips = services.accounts_create(
        people=Person.objects.filter(pk=person.pk), by=personas.a.unit_admin, rule="staff_no"
    )
    assert slips[0].password == "" and "已被其他账号使用" in slips[0].skipped
    slips = services.accounts_create(
        people=Person.objects.filter(pk=person.pk),
        by=personas.a.unit_admin,
        rule="region_staff_no",
    )
    assert slips[0].username == "a-x000" and slips[0].password


def test_unit_admin_cannot_open_accounts_in_another_unit(personas):
    [person] = _new_people(personas, 1)
    person.unit = personas.a.other_unit
    person.save()
    with pytest.raises(Exception) as exc:
        services.accounts_create(
            people=Person.objects.filter(pk=person.pk), by=personas.a.unit_admin, rule="staff_no"
        )
    assert "无权管理" in str(exc.value)


# -- resets ----------------------------------------------------------------------------------


def test_unit_admin_resets_a_password_and_the_old_sessions_end(personas, client):
    from django.test import Client

    staff = personas.a.staff
    victim = Client()
    victim.force_login(staff)
    assert victim.get(reverse("home")).status_code == 200
    client.force_login(personas.a.unit_admin)
    url = reverse("roster:person-password-reset", args=[personas.a.people["staff"].pk])
    response = client.post(url, REMOTE_ADDR="10.1.2.3")
    password = response.context["password"]
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert authenticate(username=staff.username, password=password) == staff
    assert authenticate(username=staff.username, password=PASSWORD) is None
    assert victim.get(reverse("home")).status_code == 302  # the open session has ended
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PASSWORD_RESET)
    assert (event.user, event.ip, event.detail["target"]) == (
        personas.a.unit_admin,
        "10.1.2.3",
        staff.username,
    )


@pytest.mark.parametrize("target", ["principal", "district_admin", "unit_admin"])
def test_unit_admin_cannot_take_over_accounts_above_them(personas, client, target):
    client.force_login(personas.a.unit_admin)
    person = personas.a.people[target]
    response = client.post(reverse("roster:person-password-reset", args=[person.pk]), follow=True)
    assert "您无权重置该账号的密码" in response.content.decode() or response.status_code == 404
    assert authenticate(username=person.user.username, password=PASSWORD) == person.user


def test_security_admin_resets_by_username_but_not_the_three_admins(personas, client):
    client.force_login(personas.security_admin)
    url = reverse("roster:password-reset")
    response = client.post(url, {"username": personas.a.principal.username})
    assert response.status_code == 200 and response.context["password"]
    for name in ("system_admin", "nobody"):
        response = client.post(url, {"username": name})
        assert response.status_code == 200 and "password" not in response.context
        assert response.context["form"].errors["username"]
    client.force_login(personas.a.unit_admin)
    assert client.get(url).status_code == 403
