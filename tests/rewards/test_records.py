from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rewards.models import RewardKind, RewardRecord, RewardType
from tests.rewards.helpers import PDF_BYTES, make_record

pytestmark = pytest.mark.django_db


def _post(client, **overrides):
    data = {
        "staff_no": "a003",
        "kind": "reward",
        "type": "merit_3",
        "level": "district",
        "date": "2026-07-01",
        "issuer": "区人民政府",
        "document_no": "区府〔2026〕8号",
        "reason": "招商引资成绩突出",
        "blocks_until": "",
    }
    data.update(overrides)
    return client.post(reverse("rewards:record-create"), data)


def test_unit_admin_enters_a_reward_with_evidence(personas, login):
    client = login(personas.a.unit_admin)
    evidence = SimpleUploadedFile("嘉奖令.pdf", PDF_BYTES, content_type="application/pdf")
    response = _post(client, evidence=evidence)
    record = RewardRecord.objects.get()
    assert response.status_code == 302
    assert record.person == personas.a.people["staff"]
    assert record.unit == personas.a.unit and record.region == personas.a.region
    assert record.created_by == personas.a.unit_admin
    assert record.evidence_name == "嘉奖令.pdf"
    assert record.history.count() == 1
    download = client.get(reverse("rewards:record-evidence", args=[record.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert "attachment" in download["Content-Disposition"]


def test_unit_admin_cannot_enter_for_another_unit(personas, login):
    client = login(personas.a.unit_admin)
    response = _post(client, staff_no="a009")  # other_staff, in the other unit
    assert response.status_code == 200
    assert "无权" in response.content.decode()
    assert not RewardRecord.objects.exists()


def test_hr_cannot_enter_for_another_region(personas, login):
    client = login(personas.b.hr)
    response = _post(client)  # a003 is region A's staff
    assert response.status_code == 200
    assert not RewardRecord.objects.exists()


def test_sanction_with_block_period_and_mismatched_type_refused(personas, login):
    client = login(personas.a.hr)
    response = _post(client, kind="reward", type="warning", blocks_until="2027-01-01")
    body = response.content.decode()
    assert "奖惩种类与类别不一致" in body and "只有惩戒才有影响期" in body
    response = _post(
        client, kind="punishment", type="warning", date="2026-07-01", blocks_until="2026-06-01"
    )
    assert "影响期截止不能早于奖惩日期" in response.content.decode()
    response = _post(client, kind="punishment", type="warning", blocks_until="2027-06-30")
    assert response.status_code == 302
    record = RewardRecord.objects.get()
    assert record.is_sanction and record.blocks_until == date(2027, 6, 30)


def test_evidence_with_wrong_content_refused(personas, login):
    client = login(personas.a.hr)
    fake = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = _post(client, evidence=fake)
    assert response.status_code == 200
    assert "内容与扩展名不符" in response.content.decode()
    assert not RewardRecord.objects.exists()


def test_list_is_scoped_to_the_unit_admins_unit(personas, login):
    make_record(personas.a.people["staff"], reason="本单位")
    make_record(personas.a.people["other_staff"], document_no="OTHER-UNIT-DOC")
    make_record(personas.b.people["staff"], document_no="REGION-B-DOC")
    body = login(personas.a.unit_admin).get(reverse("rewards:record-list")).content.decode()
    assert "区府发〔2026〕12号" in body
    assert "OTHER-UNIT-DOC" not in body and "REGION-B-DOC" not in body


def test_hr_list_filters_by_kind(personas, login):
    make_record(personas.a.people["staff"], document_no="REWARD-DOC")
    make_record(
        personas.a.people["staff2"],
        kind=RewardKind.PUNISHMENT,
        type=RewardType.WARNING,
        document_no="SANCTION-DOC",
    )
    client = login(personas.a.hr)
    body = client.get(reverse("rewards:record-list"), {"kind": "punishment"}).content.decode()
    assert "SANCTION-DOC" in body and "REWARD-DOC" not in body


def test_anonymous_goes_to_login(client, personas):
    response = client.get(reverse("rewards:record-list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_staff_cannot_list_or_enter(personas, login):
    client = login(personas.a.staff)
    assert client.get(reverse("rewards:record-list")).status_code == 403
    assert client.get(reverse("rewards:record-create")).status_code == 403


def test_district_admin_reads_but_cannot_enter(personas, login):
    client = login(personas.a.district_admin)
    assert client.get(reverse("rewards:record-list")).status_code == 200
    assert client.get(reverse("rewards:record-create")).status_code == 403


def test_person_sees_own_record_other_region_gets_404(personas, login):
    record = make_record(personas.a.people["staff"], evidence=True)
    assert (
        login(personas.a.staff).get(reverse("rewards:record-detail", args=[record.pk])).status_code
        == 200
    )
    for user in (personas.b.hr, personas.a.staff2, personas.b.unit_admin):
        client = login(user)
        assert client.get(reverse("rewards:record-detail", args=[record.pk])).status_code == 404
        assert client.get(reverse("rewards:record-evidence", args=[record.pk])).status_code == 404


@pytest.mark.parametrize("rows", [1, 30])
def test_list_query_count_is_constant(personas, login, django_assert_max_num_queries, rows):
    for i in range(rows):
        make_record(personas.a.people["staff"], document_no=f"D{i}")
    client = login(personas.a.hr)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("rewards:record-list"))
    assert response.content.decode().count("D") >= rows
