"""The admin site (assessment/admin.py): who gets in, and a district admin sees, opens and picks
only their own region's rows."""

from __future__ import annotations

import pytest

from assessment.models import CityPlatform, Person, Region, Section, Unit, UnitCategory
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

MARKER = "乙区标记"  # in every name of region B's extra rows: must never reach region A's admin


@pytest.fixture
def marked(personas):
    """Region B rows whose names carry the marker, in every model the admin shows."""
    b = personas.b
    category = UnitCategory.objects.create(region=b.region, code="marked", name=f"{MARKER}类别")
    unit = Unit.objects.create(
        region=b.region, category=category, code="marked", name=f"{MARKER}单位"
    )
    section = Section.objects.create(region=b.region, unit=unit, name=f"{MARKER}股")
    person = Person.objects.create(
        region=b.region,
        unit=unit,
        section=section,
        name=f"{MARKER}人",
        staff_no="MARK1",
        gender="F",
    )
    Region.objects.filter(pk=b.region.pk).update(name=f"{MARKER}区")
    return {"category": category, "unit": unit, "section": section, "person": person}


def admin_url(model: str, *parts) -> str:
    return "/".join([f"/admin/assessment/{model}", *map(str, parts)]) + "/"


# -- who gets in -------------------------------------------------------------------------------


def test_system_admin_and_district_admin_get_in(client, login, personas):
    for user in (personas.system_admin, personas.a.district_admin):
        response = login(user).get("/admin/")
        assert response.status_code == 200
        assert "平时考核 · 管理后台" in response.content.decode()


@pytest.mark.parametrize(
    "who",
    [
        "staff",
        "chief",
        "leader",
        "principal",
        "unit_admin",
        "hr",
        "discipline",
        "security_admin",
        "auditor",
    ],
)
def test_every_other_role_is_kept_out(client, login, personas, who):
    user = getattr(personas, who, None) or personas.a.users[who]
    login(user)
    for url in (
        "/admin/",
        admin_url("unit"),
        admin_url("person", personas.a.people["staff"].pk, "change"),
    ):
        response = client.get(url, follow=True)
        assert response.status_code == 403, (who, url)
        assert "a财政局" not in response.content.decode()


def test_anonymous_is_sent_to_the_site_login(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/login/?next=/admin/"
    assert response.status_code == 200


def test_admin_login_form_does_not_authenticate(client, personas):
    """The admin's own form has no lockout or audit: it must not be a way in."""
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": personas.system_admin.username, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert not client.get("/login/").wsgi_request.user.is_authenticated


def test_district_admin_signs_in_through_the_site_login_and_reaches_the_admin(client, personas):
    response = client.post(
        "/login/?next=/admin/",
        {"username": "a_district_admin", "password": PASSWORD, "next": "/admin/"},
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


# -- district admin: own region only -----------------------------------------------------------


def test_district_admin_changelists_show_only_their_region(client, login, personas, marked):
    a = personas.a
    login(a.district_admin)
    expected = {
        "unit": ["a财政局", "a教育局"],
        "section": ["综合股", "业务股"],
        "person": ["astaff", "aother_staff"],
        "unitcategory": ["综合管理"],
    }
    for model, names in expected.items():
        for query in ({}, {"q": "标记"}, {"q": "b"}, {"all": ""}):
            response = client.get(admin_url(model), query)
            assert response.status_code == 200, model
            page = response.content.decode()
            assert MARKER not in page, (model, query)
            assert "b财政局" not in page and "bstaff" not in page
            if not query:
                for name in names:
                    assert name in page, (model, name)
    units = client.get(admin_url("unit")).context["cl"].result_list
    assert {u.region_id for u in units} == {a.region.pk}


def test_district_admin_cannot_open_another_regions_rows(client, login, personas, marked):
    login(personas.a.district_admin)
    for model, obj in marked.items():
        change = client.get(admin_url(model, obj.pk, "change"), follow=True)
        assert MARKER not in change.content.decode(), model
        assert "adminform" not in (change.context or {}), model
        assert client.get(admin_url(model, obj.pk, "history")).status_code == 404, model
        version = obj.history.first().history_id
        response = client.get(admin_url(model, obj.pk, "history", version))
        assert response.status_code == 404, model
    unit = marked["unit"]
    response = client.post(
        admin_url("unit", unit.pk, "history", unit.history.first().history_id),
        {
            "region": personas.a.region.pk,
            "category": personas.a.category.pk,
            "name": "夺取",
            "code": "x",
        },
    )
    assert response.status_code == 404
    unit.refresh_from_db()
    assert (unit.region, unit.name) == (personas.b.region, f"{MARKER}单位")


def test_district_admin_cannot_change_another_regions_unit_by_post(client, login, personas, marked):
    unit = marked["unit"]
    login(personas.a.district_admin)
    client.post(
        admin_url("unit", unit.pk, "change"),
        {
            "region": personas.a.region.pk,
            "category": personas.a.category.pk,
            "name": "夺取",
            "code": "x",
        },
    )
    unit.refresh_from_db()
    assert unit.name == f"{MARKER}单位"


def test_district_admin_picks_only_their_regions_rows_in_choices(client, login, personas, marked):
    a = personas.a
    login(a.district_admin)
    for model in ("person", "section", "unit", "unitcategory"):
        response = client.get(admin_url(model, "add"))
        assert response.status_code == 200, model
        page = response.content.decode()
        assert MARKER not in page and "b财政局" not in page, model
    form = client.get(admin_url("person", "add")).context["adminform"].form
    assert set(form.fields["unit"].queryset) == {a.unit, a.other_unit}
    assert set(form.fields["region"].queryset) == {a.region}
    assert {s.unit_id for s in form.fields["section"].queryset} == {a.unit.pk}


def test_district_admin_cannot_post_another_regions_unit(client, login, personas, marked):
    a, b = personas.a, personas.b
    login(a.district_admin)
    response = client.post(
        admin_url("person", "add"),
        {
            "region": a.region.pk,
            "unit": b.unit.pk,
            "name": "越界",
            "staff_no": "Z1",
            "kind": "civil_servant",
            "gender": "M",
            "ethnicity": "汉族",
        },
    )
    assert response.status_code == 200
    assert "unit" in response.context["adminform"].form.errors
    assert not Person.objects.filter(name="越界").exists()


def test_district_admin_adds_a_person_in_their_region(client, login, personas):
    a = personas.a
    login(a.district_admin)
    response = client.post(
        admin_url("person", "add"),
        {
            "region": a.region.pk,
            "unit": a.unit.pk,
            "section": a.section.pk,
            "name": "后台新增",
            "staff_no": "Z2",
            "kind": "civil_servant",
            "gender": "M",
            "ethnicity": "汉族",
            "user": personas.b.staff.pk,  # read-only: ignored
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(name="后台新增")
    assert (person.region, person.unit, person.user) == (a.region, a.unit, None)


def test_district_admin_cannot_link_any_account_to_a_person(client, login, personas):
    a = personas.a
    person = a.people["staff"]
    login(a.district_admin)
    page = client.get(admin_url("person", person.pk, "change"))
    assert "user" not in page.context["adminform"].form.fields


def test_district_admin_has_no_region_or_platform_pages(client, login, personas):
    login(personas.a.district_admin)
    assert client.get(admin_url("region")).status_code == 403
    assert client.get(admin_url("cityplatform")).status_code == 403
    assert client.get(admin_url("region", personas.a.region.pk, "change")).status_code in (302, 403)


def test_nobody_deletes_units_or_people(client, login, personas):
    a = personas.a
    login(a.district_admin)
    assert client.get(admin_url("unit", a.unit.pk, "delete")).status_code == 403
    assert (
        client.post(
            admin_url("person", a.people["staff"].pk, "delete"), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Person.objects.filter(pk=a.people["staff"].pk).exists()


# -- system admin: platform settings, not people -----------------------------------------------


def test_system_admin_manages_regions_platforms_and_categories(client, login, personas, marked):
    login(personas.system_admin)
    regions = client.get(admin_url("region")).content.decode()
    assert "a区" in regions and f"{MARKER}区" in regions
    assert "测试市" in client.get(admin_url("cityplatform")).content.decode()
    categories = client.get(admin_url("unitcategory")).content.decode()
    assert f"{MARKER}类别" in categories
    platform = CityPlatform.objects.get()
    response = client.post(
        admin_url("region", "add"), {"platform": platform.pk, "name": "丙区", "code": "c"}
    )
    assert response.status_code == 302
    assert Region.objects.filter(code="c", name="丙区").exists()


def test_system_admin_does_not_see_people_units_or_sections(client, login, personas):
    login(personas.system_admin)
    for model in ("person", "unit", "section"):
        assert client.get(admin_url(model)).status_code == 403, model
    assert client.get(admin_url("person", personas.a.people["staff"].pk, "change")).status_code in (
        302,
        403,
    )
    index = client.get("/admin/").content.decode()
    assert "/admin/assessment/person/" not in index
    assert "/admin/assessment/region/" in index


def test_history_page_is_chinese_without_none_or_inline_styles(client, login, personas):
    from assessment import services

    staff = personas.a.people["staff"]
    staff.position = "副主任科员"
    services.person_save(person=staff, by=personas.a.district_admin, reason="职务调整")
    login(personas.a.district_admin)
    body = client.get(admin_url("person", staff.pk, "history")).content.decode()
    start = body.index('id="change-history"')
    table = body[start : body.index("</table>", start)]
    for english in ("Changes", "Change reason", "Changed by", "Date/time", "Object"):
        assert f">{english}<" not in table
    assert "修改原因" in table and "修改内容" in table and "职务调整" in table
    assert ">None<" not in table and "None" not in table.replace("NoneType", "")
    assert "—" in table  # the first row has no reason: a dash, not "None"
    assert "style=" not in body  # CSP: style-src has no 'unsafe-inline'
    assert 'rel="icon"' in body


def test_favicon_ico_is_not_a_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
