"""Pages: happy paths, wrong role, other region, form errors beside the field, query counts."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment.models import Person
from indicators import services
from indicators.forms import SystemSettingsForm
from indicators.models import AttendanceRecord, ImportBatch, NegativeRecord, QuarterScore

from .helpers import attend, indicator, negative, q3, system_a

pytestmark = pytest.mark.django_db


def _system_post(system, change: dict[str, str]) -> dict:
    data = {
        "i-TOTAL_FORMS": "19",
        "i-INITIAL_FORMS": "18",
        "i-MIN_NUM_FORMS": "0",
        "i-MAX_NUM_FORMS": "1000",
        "i-18-order": "0",
    }
    for n, ind in enumerate(system.indicators.all()):
        for f in (
            "order",
            "category",
            "code",
            "name",
            "method",
            "weight",
            "min_weight",
            "max_weight",
        ):
            value = getattr(ind, f)
            data[f"i-{n}-{f}"] = "" if value is None else str(value)
        data[f"i-{n}-id"] = str(ind.pk)
        for code, weight in change.items():
            if ind.code == code:
                data[f"i-{n}-weight"] = weight
    for f in SystemSettingsForm.Meta.fields:
        data[f"s-{f}"] = str(getattr(system, f))
    return data


def test_district_admin_changes_a_weight_and_scores_follow(
    personas, login, django_capture_on_commit_callbacks
):
    staff = personas.a.people["staff"]
    system = system_a(personas)
    with django_capture_on_commit_callbacks(execute=True):
        attend(staff, {"absent": 5})
        ids = system.indicators.filter(method="leader_rating").values_list("pk", flat=True)
        services.leader_ratings_save(
            person=staff,
            quarter=q3(personas),
            levels=dict.fromkeys(ids, "excellent"),
            by=personas.a.chief,
        )
    before = QuarterScore.objects.get(person=staff).score
    client = login(personas.a.district_admin)
    url = reverse("indicators:system-edit", args=[system.pk])
    response = client.post(url, _system_post(system, {"attendance": "9"}))
    assert response.status_code == 200
    assert 'id="weights-error">正向指标（共性、个性、特色）权重合计须为 100，当前为 101' in (
        response.content.decode()
    )
    assert indicator(system, "attendance").weight == 8
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _system_post(system, {"attendance": "4", "political": "12"}))
    assert response.status_code == 302
    after = QuarterScore.objects.get(person=staff).score
    assert after > before
    page = client.get(reverse("indicators:score-detail", args=[staff.pk, "2026Q3"]))
    assert page.status_code == 200 and str(after) in page.content.decode()


def test_system_edit_shows_bound_errors_beside_the_field(personas, login):
    system = system_a(personas)
    client = login(personas.a.district_admin)
    response = client.post(
        reverse("indicators:system-edit", args=[system.pk]),
        _system_post(system, {"duties": "10", "quality": "2"}),
    )
    body = response.content.decode()
    assert response.status_code == 200 and "可调范围" in body and 'value="10"' in body


def test_score_detail_explains_each_figure(personas, login, django_capture_on_commit_callbacks):
    staff = personas.a.people["staff"]
    with django_capture_on_commit_callbacks(execute=True):
        attend(staff, {"present": 10, "late_early": 1})
        services.negative_record_create(
            record=NegativeRecord(
                person=staff,
                source="petition",
                type="complaint",
                severity="general",
                date=date(2026, 8, 5),
            ),
            by=personas.a.discipline,
        )
    body = (
        login(personas.a.staff)
        .get(reverse("indicators:score-detail", args=[staff.pk, "2026Q3"]))
        .content.decode()
    )
    for text in ("出勤 10 天", "暂无数据", "剔除", "有效投诉", "#attendance", "迟到早退"):
        assert text in body, text
    assert reverse("indicators:negative-detail", args=[NegativeRecord.objects.get().pk]) in body


def test_colleague_cannot_see_a_score(personas, login):
    services.quarter_scores_recompute(quarter=q3(personas))
    url = reverse("indicators:score-detail", args=[personas.a.people["staff"].pk, "2026Q3"])
    assert login(personas.a.staff2).get(url).status_code == 404
    assert login(personas.b.district_admin).get(url).status_code == 404
    assert login(personas.a.discipline).get(url).status_code == 404


def test_my_scores_lists_own_quarters(personas, login):
    services.quarter_scores_recompute(quarter=q3(personas))
    body = login(personas.a.staff).get(reverse("indicators:my-scores")).content.decode()
    assert "2026Q3" in body


def test_rating_page_saves_levels(personas, login, django_capture_on_commit_callbacks):
    staff = personas.a.people["staff"]
    q3(personas)
    system = system_a(personas)
    client = login(personas.a.leader)
    listing = client.get(reverse("indicators:rating-list") + "?q=2026Q3").content.decode()
    assert staff.name in listing
    data = {f"i_{i.pk}": "good" for i in system.indicators.filter(method="leader_rating")}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("indicators:rating-edit", args=[staff.pk, "2026Q3"]), data)
    assert response.status_code == 302
    assert QuarterScore.objects.get(person=staff).score == 85


def test_attendance_upload_preview_confirm(personas, login, django_capture_on_commit_callbacks):
    staff = personas.a.people["staff"]
    client = login(personas.a.unit_admin)
    upload = SimpleUploadedFile(
        "kq.csv", f"工号,日期,状态\n{staff.staff_no},2026-07-01,旷工\n".encode()
    )
    response = client.post(reverse("indicators:attendance-import"), {"file": upload})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and AttendanceRecord.objects.count() == 0
    assert (
        "确认导入"
        in client.get(reverse("indicators:import-detail", args=[batch.pk])).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("indicators:import-confirm", args=[batch.pk]))
    assert AttendanceRecord.objects.get().status == "absent"
    assert QuarterScore.objects.get(person=staff).breakdown  # recomputed after the import
    # confirming twice imports nothing more
    client.post(reverse("indicators:import-confirm", args=[batch.pk]))
    assert AttendanceRecord.objects.count() == 1


def test_wrong_file_type_error_beside_the_field(personas, login):
    client = login(personas.a.district_admin)
    upload = SimpleUploadedFile("kq.xlsx", b"<html>not a sheet</html>")
    body = client.post(reverse("indicators:attendance-import"), {"file": upload}).content.decode()
    assert "不是 xlsx" in body and not ImportBatch.objects.exists()


def test_negative_create_with_evidence_and_download(personas, login, tmp_path):
    client = login(personas.a.discipline)
    pdf = SimpleUploadedFile("证明.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    data = {
        "staff_no": personas.a.people["staff"].staff_no,
        "source": "discipline",
        "type": "violation",
        "severity": "serious",
        "date": "2026-08-01",
        "document_no": "纪〔2026〕9号",
        "evidence": pdf,
    }
    response = client.post(reverse("indicators:negative-create"), data)
    record = NegativeRecord.objects.get()
    assert response.status_code == 302
    from django.conf import settings

    assert str(settings.PRIVATE_MEDIA_ROOT) in record.evidence.path
    url = reverse("indicators:negative-evidence", args=[record.pk])
    download = login(personas.a.staff).get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert "attachment" in download["Content-Disposition"]
    assert login(personas.a.staff2).get(url).status_code == 404


def test_revoke_from_the_detail_page(personas, login):
    record = negative(personas, source="petition", type="complaint")
    detail = reverse("indicators:negative-detail", args=[record.pk])
    revoke = reverse("indicators:negative-revoke", args=[record.pk])
    assert "撤销这条负面信息" not in login(personas.a.staff).get(detail).content.decode()
    client = login(personas.a.discipline)
    assert "撤销这条负面信息" in client.get(detail).content.decode()
    body = client.post(revoke, {"reason": ""}).content.decode()  # error beside the field
    assert 'class="field has-error"' in body and "这个字段是必填项" in body
    response = client.post(revoke, {"reason": "录入错误"}, follow=True)
    body = response.content.decode()
    assert "已撤销该负面信息" in body and "撤销：录入错误" in body
    assert "撤销这条负面信息" not in body
    again = client.post(revoke, {"reason": "再次"}, follow=True).content.decode()
    assert "该负面信息已于" in again
    assert NegativeRecord.objects.get().revoke_reason == "录入错误"


def test_revoke_refuses_anonymous_wrong_role_and_other_region(personas, login, client):
    record = negative(personas)
    revoke = reverse("indicators:negative-revoke", args=[record.pk])
    data = {"reason": "录入错误"}
    assert client.post(revoke, data)["Location"].startswith(reverse("login"))
    assert login(personas.a.staff).post(revoke, data).status_code == 403  # reads, may not revoke
    assert login(personas.a.unit_admin).post(revoke, data).status_code == 404
    assert login(personas.b.discipline).post(revoke, data).status_code == 404
    assert NegativeRecord.objects.get().revoked_at is None


def test_evidence_type_checked_by_content(personas, login):
    client = login(personas.a.district_admin)
    fake = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 an exe")
    data = {
        "staff_no": personas.a.people["staff"].staff_no,
        "source": "other",
        "type": "mistake",
        "severity": "minor",
        "date": "2026-08-01",
        "evidence": fake,
    }
    body = client.post(reverse("indicators:negative-create"), data).content.decode()
    assert "内容与扩展名不符" in body and not NegativeRecord.objects.exists()
    data["staff_no"] = personas.b.people["staff"].staff_no  # another region's person
    data.pop("evidence")
    body = client.post(reverse("indicators:negative-create"), data).content.decode()
    assert "未找到该姓名或工号" in body


def test_negative_units_highlight_units_without_records(personas, login):
    negative(personas, date=date(2026, 3, 1))
    body = login(personas.a.discipline).get(reverse("indicators:negative-units")).content.decode()
    assert body.count("none-recorded") == 1  # the other unit


def _many(personas, n, prefix):
    for i in range(n):
        person = Person.objects.create(
            region=personas.a.region,
            unit=personas.a.unit,
            section=personas.a.section,
            name=f"{prefix}{i}",
            staff_no=f"{prefix}{i:03d}",
            gender="F",
        )
        NegativeRecord.objects.create(
            region=personas.a.region,
            person=person,
            source="other",
            type="mistake",
            severity="minor",
            date=date(2026, 3, 1),
            recorded_by=personas.a.discipline,
        )
    services.quarter_scores_recompute(quarter=q3(personas))


@pytest.mark.parametrize(
    ("name", "user", "kwargs", "query"),
    [
        ("indicators:negative-unit", "discipline", lambda p: {"unit_pk": p.a.unit.pk}, ""),
        ("indicators:negative-units", "discipline", lambda p: {}, ""),
        ("indicators:unit-scores", "unit_admin", lambda p: {"unit_pk": p.a.unit.pk}, "?q=2026Q3"),
        ("indicators:rating-list", "principal", lambda p: {}, "?q=2026Q3"),
        ("indicators:system-list", "district_admin", lambda p: {}, ""),
    ],
)
def test_list_query_count_does_not_grow(
    personas, login, django_assert_max_num_queries, name, user, kwargs, query
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(getattr(personas.a, user))
    url = reverse(name, kwargs=kwargs(personas)) + query
    _many(personas, 1, "one")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    _many(personas, 49, "more")
    with django_assert_max_num_queries(len(one)):
        response = client.get(url)
    assert response.status_code == 200
