from __future__ import annotations

import zipfile
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from archive import services
from archive.models import ExportJob
from tests.archive.helpers import assessed, export_job, fill_person
from tests.archive.pdftext import pdf_text

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _start(client, capture, **data):
    values = {"sheet": "quarterly", "period": "2026Q3", "unit": "", "output": "list"}
    values.update(data)
    with capture(execute=True):
        return client.post(reverse("archive:export"), values)


@pytest.fixture
def graded(personas):
    for key, grade in (("staff", "good"), ("staff2", "ungraded")):
        assessed(fill_person(personas.a.people[key]), grade=grade)
    assessed(fill_person(personas.b.people["staff"]), summary="B区的小结")
    return personas


def test_hr_exports_the_unit_list_workbook(graded, login, django_capture_on_commit_callbacks):
    client = login(graded.a.hr)
    response = _start(client, django_capture_on_commit_callbacks, unit=graded.a.unit.pk)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{job.pk}/")
    assert job.status == "done" and job.progress == 100 and job.total == 6
    assert job.incomplete >= 1  # staff2 is ungraded without an explanation
    assert job.expires_at > timezone.now() + timedelta(days=6)
    page = client.get(reverse("archive:export-job", args=[job.pk])).content.decode()
    assert "已完成" in page and "hx-trigger" not in page
    download = client.get(reverse("archive:export-download", args=[job.pk]))
    wb = load_workbook(BytesIO(_body(download)))
    names = [r[2] for r in wb["清单"].iter_rows(min_row=3, values_only=True)]
    assert "astaff" in names and "astaff2" in names and "aother_staff" not in names
    assert "等次汇总" in wb.sheetnames


def test_region_export_of_per_person_pdfs(graded, login, django_capture_on_commit_callbacks):
    client = login(graded.a.district_admin)
    _start(client, django_capture_on_commit_callbacks, output="pdf")
    job = ExportJob.objects.get()
    assert job.status == "done", job.error
    archive = zipfile.ZipFile(
        BytesIO(_body(client.get(reverse("archive:export-download", args=[job.pk]))))
    )
    names = archive.namelist()
    assert len(names) == 10 and all(n.endswith(".pdf") for n in names)
    staff_pdf = next(n for n in names if "astaff_" in n)
    text = pdf_text(archive.read(staff_pdf))
    assert "公务员平时考核登记表" in text and "astaff" in text and "完成预算编制任务" in text


def test_job_in_region_b_never_contains_region_a(graded, login, django_capture_on_commit_callbacks):
    client = login(graded.b.hr)
    _start(client, django_capture_on_commit_callbacks, output="xlsx")
    job = ExportJob.objects.get()
    assert job.region == graded.b.region
    archive = zipfile.ZipFile(
        BytesIO(_body(client.get(reverse("archive:export-download", args=[job.pk]))))
    )
    assert archive.namelist() and all("_b0" in n for n in archive.namelist())
    for name in archive.namelist():
        wb = load_workbook(BytesIO(archive.read(name)))
        text = " ".join(str(c) for r in wb.active.iter_rows(values_only=True) for c in r if c)
        assert "a财政局" not in text and "astaff" not in text
    # and region A's job is a 404 for region B
    a_job = export_job(graded.a)
    for url in ("archive:export-job", "archive:export-download"):
        assert client.get(reverse(url, args=[a_job.pk])).status_code == 404


def test_region_b_hr_cannot_export_region_a_unit(graded, login, django_capture_on_commit_callbacks):
    client = login(graded.b.hr)
    response = _start(client, django_capture_on_commit_callbacks, unit=graded.a.unit.pk)
    assert response.status_code == 200 and not ExportJob.objects.exists()


def test_unit_admin_exports_only_their_unit(graded, login, django_capture_on_commit_callbacks):
    client = login(graded.a.unit_admin)
    response = _start(client, django_capture_on_commit_callbacks, unit="")
    assert response.status_code == 200 and not ExportJob.objects.exists()  # whole region refused
    _start(client, django_capture_on_commit_callbacks, unit=graded.a.other_unit.pk)
    assert not ExportJob.objects.exists()
    _start(client, django_capture_on_commit_callbacks, unit=graded.a.unit.pk)
    assert ExportJob.objects.get().unit == graded.a.unit


def test_export_start_service_refuses_out_of_reach(graded):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.export_start(
            by=graded.a.unit_admin,
            region=graded.a.region,
            unit=graded.a.other_unit,
            sheet="quarterly",
            period="2026Q3",
            output="list",
        )


def test_wrong_roles_and_anonymous(graded, login, client):
    response = client.get(reverse("archive:export"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    job = export_job(graded.a)
    for key in ("staff", "chief", "principal", "discipline"):
        c = login(graded.a.users[key])
        assert c.get(reverse("archive:export")).status_code == 403
        assert c.get(reverse("archive:export-download", args=[job.pk])).status_code == 404


def test_unit_admin_cannot_open_a_region_wide_job(graded, login):
    job = export_job(graded.a, unit=None)
    client = login(graded.a.unit_admin)
    assert client.get(reverse("archive:export-job", args=[job.pk])).status_code == 404


def test_job_failure_shows_on_the_page(
    graded, login, django_capture_on_commit_callbacks, monkeypatch
):
    def boom(*args, **kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr("archive.render_xlsx.list_workbook", boom)
    client = login(graded.a.hr)
    _start(client, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert job.status == "failed" and "磁盘已满" in job.error
    page = client.get(reverse("archive:export-job", args=[job.pk])).content.decode()
    assert "失败" in page and "磁盘已满" in page and "重新导出" in page
    assert client.get(reverse("archive:export-download", args=[job.pk])).status_code == 404


def test_running_job_partial_polls_every_second(graded, login):
    job = export_job(graded.a, status="running")
    ExportJob.objects.filter(pk=job.pk).update(progress=40, done=4, total=10)
    client = login(graded.a.hr)
    response = client.get(reverse("archive:export-job", args=[job.pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'hx-trigger="every 1s"' in body and 'value="40"' in body and "<html" not in body
    assert "4 / 10" in body


def test_run_is_idempotent(graded):
    job = export_job(graded.a, status="done")
    assert services.export_run(job).status == "done"  # not queued: nothing re-run


def test_expired_file_is_purged_and_not_downloadable(graded, login):
    job = export_job(graded.a)
    path = job.file.path
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client = login(graded.a.hr)
    assert client.get(reverse("archive:export-download", args=[job.pk])).status_code == 404
    from archive.tasks import purge_expired_exports

    assert purge_expired_exports() == 1
    job.refresh_from_db()
    assert job.status == "expired" and not job.file
    import os

    assert not os.path.exists(path)


def test_a_job_whose_worker_died_fails_instead_of_running_forever(graded, login, settings):
    from archive.tasks import fail_stale_exports

    settings.EXPORT_STALE_MINUTES = 30
    dead, alive = export_job(graded.a, status="running"), export_job(graded.a, status="running")
    now = timezone.now()
    ExportJob.objects.filter(pk=dead.pk).update(heartbeat=now - timedelta(minutes=31))
    ExportJob.objects.filter(pk=alive.pk).update(heartbeat=now - timedelta(minutes=29))
    assert fail_stale_exports() == 1
    dead.refresh_from_db()
    assert dead.status == "failed" and "超过 30 分钟没有进展" in dead.error
    assert ExportJob.objects.get(pk=alive.pk).status == "running"
    legacy = export_job(graded.a, status="running")  # started before heartbeats existed
    ExportJob.objects.filter(pk=legacy.pk).update(created=now - timedelta(hours=2))
    assert fail_stale_exports() == 1 and ExportJob.objects.get(pk=legacy.pk).status == "failed"
    page = login(graded.a.hr).get(reverse("archive:export-job", args=[dead.pk])).content.decode()
    assert "导出中断" in page and "重新导出" in page


def test_progress_keeps_a_long_job_alive(graded, django_capture_on_commit_callbacks, login):
    _start(login(graded.a.hr), django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert job.status == "done" and job.heartbeat is not None


def test_retention_days_setting(graded, settings, django_capture_on_commit_callbacks, login):
    settings.EXPORT_RETENTION_DAYS = 2
    _start(login(graded.a.hr), django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert job.expires_at < timezone.now() + timedelta(days=2, minutes=1)


def test_completeness_lists_missing_fields_before_export(graded, login):
    client = login(graded.a.hr)
    response = client.get(
        reverse("archive:export"),
        {"sheet": "quarterly", "period": "2026Q3", "unit": graded.a.unit.pk, "output": "list"},
    )
    body = response.content.decode()
    assert "缺项检查" in body and "astaff2" in body
    assert "未确定等次或不参加考核情况说明" in body
    assert not ExportJob.objects.exists()


def test_bad_period_is_a_form_error(graded, login):
    client = login(graded.a.hr)
    response = client.post(
        reverse("archive:export"),
        {"sheet": "quarterly", "period": "2026Q9", "unit": "", "output": "list"},
    )
    assert response.status_code == 200 and "季度格式应为" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_management_command_writes_list_and_pdfs(graded, tmp_path):
    out = tmp_path / "list.xlsx"
    call_command(
        "export_sheets", kind="list", period="2026Q3", region="a", format="xlsx", output=str(out)
    )
    wb = load_workbook(out)
    assert [r[2] for r in wb["清单"].iter_rows(min_row=3, values_only=True)].count("astaff") == 1
    out = tmp_path / "u.zip"
    call_command(
        "export_sheets",
        "--kind=quarterly",
        "--period=2026Q3",
        "--unit=a-u1",
        "--format=pdf",
        f"--output={out}",
    )
    assert len(zipfile.ZipFile(out).namelist()) == 6
    out = tmp_path / "annual.xlsx"
    call_command(
        "export_sheets", kind="list", period="2026", unit="a-u1", format="xlsx", output=str(out)
    )
    header = [c.value for c in load_workbook(out)["清单"][2]]
    assert "第三季度" in header and "复核（申诉）情况" in header


def test_person_sheet_download(graded, login):
    staff = graded.a.people["staff"]
    client = login(graded.a.staff)
    response = client.get(reverse("archive:person-sheet", args=[staff.pk, "2026Q3", "pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "astaff" in pdf_text(response.content)
    response = client.get(reverse("archive:person-sheet", args=[staff.pk, "2026", "xlsx"]))
    assert response.status_code == 200
    text = " ".join(
        str(c)
        for r in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)
        for c in r
        if c
    )
    assert "公务员年度考核登记表" in text and "第三季度 好" in text
    assert (
        login(graded.b.hr)
        .get(reverse("archive:person-sheet", args=[staff.pk, "2026Q3", "pdf"]))
        .status_code
        == 404
    )


@pytest.mark.parametrize("rows", [1, 30])
def test_export_page_query_count_is_constant(personas, login, django_assert_max_num_queries, rows):
    from assessment.models import Person

    for i in range(rows):
        export_job(personas.a)
        person = Person.objects.create(
            region=personas.a.region,
            unit=personas.a.unit,
            name=f"加{i}",
            staff_no=f"x{i:03d}",
            gender="F",
        )
        assessed(person)
    client = login(personas.a.hr)
    params = {"sheet": "quarterly", "period": "2026Q3", "unit": personas.a.unit.pk}
    with django_assert_max_num_queries(25):
        response = client.get(reverse("archive:export"), {**params, "output": "list"})
    assert response.content.decode().count("加") >= rows


def test_completeness_check_posts_and_keeps_the_csrf_token_out_of_the_url(graded, login):
    client = login(graded.a.hr)
    page = client.get(reverse("archive:export")).content.decode()
    assert 'formmethod="get"' not in page  # the token would land in the query string
    response = client.post(
        reverse("archive:export"),
        {
            "sheet": "quarterly",
            "period": "2026Q3",
            "unit": graded.a.unit.pk,
            "output": "list",
            "check": "1",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "缺项检查" in body and "astaff2" in body
    assert not ExportJob.objects.exists()  # checking starts no export
