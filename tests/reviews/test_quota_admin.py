"""名额组 in the admin: the district admin of the region sets groups up; nobody else sees them,
and another region's years, units, sections and groups are out of reach."""

from __future__ import annotations

import pytest

from reviews.models import QuotaGroup, QuotaGroupMember

from .helpers import open_quarter

pytestmark = pytest.mark.django_db
URL = "/admin/reviews/quotagroup/"


def _post(client, year, name, units=(), sections=()):
    rows = [(u.pk, "") for u in units] + [("", s.pk) for s in sections]
    data = {
        "year": year.pk,
        "name": name,
        "members-TOTAL_FORMS": str(len(rows)),
        "members-INITIAL_FORMS": "0",
    }
    for i, (unit, section) in enumerate(rows):
        data[f"members-{i}-unit"] = unit
        data[f"members-{i}-section"] = section
    return client.post(URL + "add/", data)


def test_district_admin_merges_units_into_a_group(client, personas):
    a = personas.a
    year = open_quarter(a).year
    client.force_login(a.district_admin)
    assert client.get(URL + "add/").status_code == 200
    response = _post(client, year, "合并组", units=[a.unit, a.other_unit])
    assert response.status_code == 302, response.content.decode()[-2000:]
    group = QuotaGroup.objects.get()
    assert group.region == a.region
    assert set(group.members.values_list("unit_id", "year_id")) == {
        (a.unit.pk, year.pk),
        (a.other_unit.pk, year.pk),
    }
    # a unit already in a group this year: refused beside the row, nothing saved
    again = _post(client, year, "再组", units=[a.unit])
    assert again.status_code == 200 and "本年度已属于一个名额组" in again.content.decode()
    assert QuotaGroup.objects.count() == 1


def test_other_regions_years_and_units_are_not_offered_or_accepted(client, personas):
    a, b = personas.a, personas.b
    year_a, year_b = open_quarter(a).year, open_quarter(b).year
    group_b = QuotaGroup.objects.create(region=b.region, year=year_b, name="乙组")
    client.force_login(a.district_admin)
    page = client.get(URL + "add/").content.decode()
    years = page.split('name="year"')[1].split("</select>")[0]
    assert "b财政局" not in page and f'value="{year_b.pk}"' not in years
    assert f'value="{year_a.pk}"' in years
    assert client.get(f"{URL}{group_b.pk}/change/").status_code in (302, 404)
    assert "乙组" not in client.get(URL).content.decode()
    response = _post(client, year_a, "越界", units=[b.unit])
    assert response.status_code == 200 and not QuotaGroupMember.objects.exists()
    assert _post(client, year_b, "越界2").status_code == 200
    assert QuotaGroup.objects.count() == 1


@pytest.mark.parametrize("key", ["principal", "unit_admin", "hr", "staff"])
def test_other_roles_do_not_get_the_page(client, personas, key):
    client.force_login(personas.a.users[key])
    assert client.get(URL).status_code in (302, 403, 404)
