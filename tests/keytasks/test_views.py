"""Key task pages: happy paths, anonymous, wrong role, other region; form errors; query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessment.models import Attachment, KeyTask, SupervisionNote
from tests.keytasks.helpers import pdf

pytestmark = pytest.mark.django_db


def _url(name, *args):
    return reverse(f"keytasks:{name}", args=args)


# -- list and detail -----------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, tree):
    for url in (
        _url("task-list"),
        _url("task-detail", tree.person_task.pk),
        _url("supervision"),
        _url("task-create"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_staff_sees_own_task_in_list_with_flags(login, personas, tree):
    KeyTask.objects.filter(pk=tree.person_task.pk).update(
        deadline=timezone.localdate() - timedelta(days=3)
    )
    response = login(personas.a.staff).get(_url("task-list"), {"show": "mine"})
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("keytasks:task-detail", args=[tree.person_task.pk]) in html
    assert "kt-overdue" in html and "逾期" in html
    # the unit task is not theirs to see
    assert reverse("keytasks:task-detail", args=[tree.unit_task.pk]) not in html


def test_separated_admins_get_403_on_the_list(login, personas):
    assert login(personas.auditor).get(_url("task-list")).status_code == 403


def test_detail_shows_children_reports_notes_and_history(login, personas, tree, client):
    from assessment.keytasks import services

    a = personas.a
    services.keytask_report_progress(
        task=tree.person_task, by=a.staff, percent=40, note="走访完成一半", files=[pdf("台账.pdf")]
    )
    services.supervision_note_send(task=tree.section_task, by=a.leader, text="请按期完成")
    html = login(a.principal).get(_url("task-detail", tree.section_task.pk)).content.decode()
    assert "astaff" in html  # the child task's assignee
    assert "请按期完成" in html
    assert "变更历史" in html and "下级任务进度汇总" in html
    html = client.get(_url("task-detail", tree.person_task.pk)).content.decode()
    assert "走访完成一半" in html and "台账.pdf" in html and "填报进展：40.0%" in html


def test_other_region_gets_404_on_detail(login, personas, tree):
    for user in (personas.b.district_admin, personas.b.principal, personas.b.staff):
        assert login(user).get(_url("task-detail", tree.person_task.pk)).status_code == 404


def test_colleague_out_of_reach_gets_404(login, personas, tree):
    assert login(personas.a.staff2).get(_url("task-detail", tree.person_task.pk)).status_code == 404


# -- create --------------------------------------------------------------------------------


def test_district_admin_creates_a_region_task(login, personas):
    a = personas.a
    year = timezone.localdate().year
    response = login(a.district_admin).post(
        _url("task-create"),
        {
            "owner": f"region:{a.region.pk}",
            "year": year,
            "title": "全区营商环境",
            "target": "评分 90 分以上",
            "deadline": f"{year}-12-31",
            "description": "",
        },
    )
    task = KeyTask.objects.get(title="全区营商环境")
    assert response.status_code == 302 and response["Location"] == _url("task-detail", task.pk)
    assert (task.level, task.region, task.unit) == ("region", a.region, None)


def test_unit_admin_may_pick_only_their_unit(login, personas):
    a = personas.a
    client = login(a.unit_admin)
    html = client.get(_url("task-create")).content.decode()
    assert f"unit:{a.unit.pk}" in html and f"unit:{a.other_unit.pk}" not in html
    assert "region:" not in html
    response = client.post(
        _url("task-create"),
        {
            "owner": f"unit:{a.other_unit.pk}",
            "year": 2026,
            "title": "x",
            "target": "y",
            "deadline": "2026-12-31",
        },
    )
    assert response.status_code == 200 and not KeyTask.objects.exists()


def test_create_errors_keep_what_was_typed(login, personas):
    a = personas.a
    response = login(a.principal).post(
        _url("task-create"),
        {
            "owner": f"unit:{a.unit.pk}",
            "year": 2026,
            "title": "档案数字化",
            "target": "",
            "deadline": "2027-03-01",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "档案数字化" in html and "这个字段是必填项" in html


@pytest.mark.parametrize("who", ["chief", "leader", "staff", "hr"])
def test_wrong_role_cannot_open_create(login, personas, who):
    assert login(personas.a.users[who]).get(_url("task-create")).status_code == 403


# -- decompose -----------------------------------------------------------------------------


def test_chief_decomposes_to_people_of_the_section(login, personas, tree):
    a = personas.a
    client = login(a.chief)
    html = client.get(_url("task-decompose", tree.section_task.pk)).content.decode()
    assert "astaff2" in html and "aother_staff" not in html
    response = client.post(
        _url("task-decompose", tree.section_task.pk),
        {
            "assignees": [a.people["staff2"].pk],
            "title": "整理档案",
            "target": "300 卷",
            "deadline": tree.section_task.deadline.isoformat(),
        },
    )
    assert response.status_code == 302
    child = KeyTask.objects.get(title="整理档案")
    assert (child.parent, child.person, child.level) == (
        tree.section_task,
        a.people["staff2"],
        "person",
    )


def test_decompose_deadline_error_beside_the_field(login, personas, tree):
    a = personas.a
    late = tree.section_task.deadline + timedelta(days=1)
    response = login(a.chief).post(
        _url("task-decompose", tree.section_task.pk),
        {
            "assignees": [a.people["staff2"].pk],
            "title": "整理档案",
            "target": "300 卷",
            "deadline": late.isoformat(),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "不能晚于上级任务" in html and "整理档案" in html


@pytest.mark.parametrize("who", ["principal", "unit_admin", "district_admin", "hr"])
def test_in_reach_but_wrong_role_gets_403_on_decompose(login, personas, tree, who):
    assert (
        login(personas.a.users[who]).get(_url("task-decompose", tree.section_task.pk)).status_code
        == 403
    )


def test_other_region_gets_404_on_decompose(login, personas, tree):
    assert (
        login(personas.b.chief).get(_url("task-decompose", tree.section_task.pk)).status_code == 404
    )


# -- progress ------------------------------------------------------------------------------


def test_staff_reports_progress_with_evidence(login, personas, tree):
    response = login(personas.a.staff).post(
        _url("task-progress", tree.person_task.pk),
        {"percent": "55", "value": "55 件", "note": "按计划推进", "files": [pdf(), pdf("b.pdf")]},
    )
    assert response.status_code == 302
    tree.person_task.refresh_from_db()
    tree.region_task.refresh_from_db()
    assert tree.person_task.progress == 55 and tree.region_task.progress == 55
    assert Attachment.objects.filter(progress__task=tree.person_task).count() == 2


def test_rejected_attachment_shows_chinese_error_beside_field_and_keeps_input(
    login, personas, tree
):
    bad = SimpleUploadedFile("脚本.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = login(personas.a.staff).post(
        _url("task-progress", tree.person_task.pk),
        {"percent": "55", "value": "55 件", "note": "按计划推进", "files": [bad]},
    )
    html = response.content.decode()
    assert response.status_code == 200
    field = html[html.index('name="files"') :]
    field = field[: field.index("</div>")]
    assert "文件“脚本.exe”的类型不支持" in field  # beside the file input
    assert 'value="55 件"' in html and "按计划推进" in html and 'value="55"' in html
    tree.person_task.refresh_from_db()
    assert tree.person_task.progress == 0


def test_too_large_attachment_is_refused(login, personas, tree, monkeypatch):
    from assessment import uploads

    monkeypatch.setattr(uploads, "MAX_BYTES", 10)
    response = login(personas.a.staff).post(
        _url("task-progress", tree.person_task.pk), {"percent": "5", "note": "x", "files": [pdf()]}
    )
    assert response.status_code == 200 and "超过 10 MB" in response.content.decode()


@pytest.mark.parametrize("who", ["chief", "leader", "principal", "district_admin"])
def test_non_assignee_in_reach_gets_403_on_progress(login, personas, tree, who):
    assert (
        login(personas.a.users[who]).get(_url("task-progress", tree.person_task.pk)).status_code
        == 403
    )


def test_other_region_gets_404_on_progress(login, personas, tree):
    assert (
        login(personas.b.staff).get(_url("task-progress", tree.person_task.pk)).status_code == 404
    )


def test_attachment_download_for_who_sees_the_task(login, personas, tree, client):
    from assessment.keytasks import services

    report = services.keytask_report_progress(
        task=tree.person_task, by=personas.a.staff, percent=5, note="x", files=[pdf("台账.pdf")]
    )
    url = _url("attachment-download", report.attachments.get().pk)
    response = login(personas.a.chief).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    assert login(personas.a.staff2).get(url).status_code == 404
    assert login(personas.b.district_admin).get(url).status_code == 404


# -- supervision ---------------------------------------------------------------------------


def _overdue_tasks(personas, n, unit=None):
    a = personas.a
    deadline = timezone.localdate() - timedelta(days=5)
    KeyTask.objects.bulk_create(
        KeyTask(
            region=a.region,
            level="unit",
            unit=unit or a.unit,
            year=deadline.year,
            title=f"拖期事项{i}",
            target="t",
            deadline=deadline,
            created_by=a.unit_admin,
        )
        for i in range(n)
    )


def test_district_supervision_lists_overdue_by_unit(login, personas):
    _overdue_tasks(personas, 2)
    _overdue_tasks(personas, 1, unit=personas.a.other_unit)
    response = login(personas.a.district_admin).get(_url("supervision"))
    html = response.content.decode()
    assert response.status_code == 200
    table = html[html.index('id="by-unit"') : html.index('id="overdue"')]
    assert table.index("a财政局") < table.index("a教育局")
    assert "<td>2</td>" in table and "<td>1</td>" in table
    narrowed = login(personas.a.district_admin).get(
        _url("supervision"), {"unit": personas.a.other_unit.pk}
    )
    assert narrowed.content.decode().count("拖期事项") == 1


def test_unit_leader_supervision_shows_their_unit_only(login, personas):
    _overdue_tasks(personas, 1)
    _overdue_tasks(personas, 1, unit=personas.a.other_unit)
    html = login(personas.a.principal).get(_url("supervision")).content.decode()
    assert 'id="by-unit"' not in html and html.count("拖期事项") == 1


@pytest.mark.parametrize("who", ["chief", "staff", "hr", "discipline"])
def test_supervision_is_for_leaders(login, personas, who):
    assert login(personas.a.users[who]).get(_url("supervision")).status_code == 403


def test_supervision_note_goes_to_the_assignee(login, personas, tree):
    response = login(personas.a.principal).post(
        _url("note-send", tree.person_task.pk), {"text": "请本周内报送进展", "back": "supervision"}
    )
    assert response.status_code == 302 and response["Location"] == _url("supervision")
    note = SupervisionNote.objects.get()
    assert note.read_at is None and note.author == personas.a.principal
    client = login(personas.a.staff)
    card = client.get(_url("home-card")).content.decode()
    assert "请本周内报送进展" in card
    assert client.post(_url("note-read", note.pk)).status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    assert "请本周内报送进展" not in client.get(_url("home-card")).content.decode()


def test_empty_note_shows_error_on_the_detail_page(login, personas, tree):
    response = login(personas.a.principal).post(
        _url("note-send", tree.person_task.pk), {"text": ""}
    )
    assert response.status_code == 400 and "这个字段是必填项" in response.content.decode()


@pytest.mark.parametrize("who", ["chief", "hr", "staff"])
def test_in_reach_but_not_supervisor_gets_403_on_note(login, personas, tree, who):
    response = login(personas.a.users[who]).post(
        _url("note-send", tree.person_task.pk), {"text": "x"}
    )
    assert response.status_code == 403


def test_only_the_assignee_marks_a_note_read(login, personas, tree):
    from assessment.keytasks import services

    note = services.supervision_note_send(task=tree.person_task, by=personas.a.principal, text="x")
    assert login(personas.a.principal).post(_url("note-read", note.pk)).status_code == 403
    assert login(personas.b.staff).post(_url("note-read", note.pk)).status_code == 404


# -- home and nav --------------------------------------------------------------------------


def test_home_card_highlights_overdue_and_counts_for_leaders(login, personas, tree):
    KeyTask.objects.filter(pk=tree.person_task.pk).update(
        deadline=timezone.localdate() - timedelta(days=1)
    )
    card = login(personas.a.staff).get(_url("home-card")).content.decode()
    assert "kt-overdue" in card and "优化营商环境" in card
    card = login(personas.a.leader).get(_url("home-card")).content.decode()
    assert "督办范围内有 1 项任务逾期" in card


def test_home_and_nav_link_the_pages(login, personas):
    html = login(personas.a.staff).get(reverse("home")).content.decode()
    assert (
        _url("home-card") in html and _url("task-list") in html and _url("supervision") not in html
    )
    html = login(personas.a.principal).get(reverse("home")).content.decode()
    assert _url("supervision") in html
    html = login(personas.auditor).get(reverse("home")).content.decode()
    assert _url("task-list") not in html


# -- query counts --------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["task-list", "supervision"])
def test_query_count_does_not_grow_with_tasks(login, personas, page, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(personas.a.district_admin)
    url = _url(page)
    client.get(url)  # warm the session
    _overdue_tasks(personas, 1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    _overdue_tasks(personas, 29)
    with django_assert_num_queries(len(one)):
        response = client.get(url)
    assert response.content.decode().count("拖期事项") == 30


def test_progress_page_of_a_decomposed_task_points_to_the_children(login, personas, tree):
    response = login(personas.a.chief).get(_url("task-progress", tree.section_task.pk), follow=True)
    assert "进度由下级任务汇总" in response.content.decode()
    assert response.redirect_chain[-1][0] == _url("task-detail", tree.section_task.pk)
