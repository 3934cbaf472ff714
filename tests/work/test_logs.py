from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from assessment.models import WorkLog
from assessment.periods import quarter_of_day
from assessment.work import services
from reviews.models import Decision, ReviewAction, ReviewState
from tests.work.helpers import PDF_BYTES, file_log, pdf

pytestmark = pytest.mark.django_db


def _token(response) -> str:
    return re.search(r'name="client_token" value="([^"]+)"', response.content.decode())[1]


def test_staff_files_a_log_in_one_post_and_it_waits_for_the_chief(login, personas):
    client = login(personas.a.staff)
    form = client.get(reverse("work:log-create"))
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in form.content.decode()  # date defaults
    response = client.post(
        reverse("work:log-create"),
        {"content": "完成预算初审", "date": timezone.localdate(), "client_token": _token(form)},
    )
    assert response.status_code == 302
    log = WorkLog.objects.get(person=personas.a.people["staff"])
    assert log.status == ReviewState.IN_REVIEW
    assert log.pending_user == personas.a.chief
    assert log.unit == personas.a.unit


def test_double_submitted_form_creates_one_log(login, personas):
    client = login(personas.a.staff)
    data = {"content": "重复提交测试", "date": timezone.localdate(), "client_token": uuid.uuid4()}
    client.post(reverse("work:log-create"), data)
    client.post(reverse("work:log-create"), data)
    assert WorkLog.objects.filter(content="重复提交测试").count() == 1


def test_log_for_a_closed_quarter_is_refused_and_typed_text_kept(login, personas):
    last_year = timezone.localdate().replace(month=1, day=15) - timedelta(days=365)
    client = login(personas.a.staff)
    response = client.post(
        reverse("work:log-create"),
        {"content": "补录去年的工作", "date": last_year, "client_token": uuid.uuid4()},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "截止" in page and "补录去年的工作</textarea>" in page
    assert not WorkLog.objects.exists()


def test_future_date_refused(personas):
    staff = personas.a.people["staff"]
    with pytest.raises(Exception, match="未来"):
        file_log(staff, day=timezone.localdate() + timedelta(days=1))


def test_log_accepted_until_the_filing_deadline(personas, settings):
    staff = personas.a.people["staff"]
    today = timezone.localdate()
    previous = today.replace(day=1) - timedelta(days=100)
    quarter = quarter_of_day(staff.region, previous)
    quarter.filing_deadline = today
    quarter.save()
    assert file_log(staff, day=previous).date == previous
    quarter.filing_deadline = today - timedelta(days=1)
    quarter.save()
    with pytest.raises(Exception, match="截止"):
        file_log(staff, day=previous)


def test_content_is_required_with_a_message_beside_the_field(login, personas):
    client = login(personas.a.staff)
    response = client.post(
        reverse("work:log-create"),
        {"content": "", "date": timezone.localdate(), "client_token": uuid.uuid4()},
    )
    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode()


def test_attachment_is_stored_privately_and_downloaded_with_permission(login, personas, settings):
    log = file_log(personas.a.people["staff"], files=[pdf()])
    attachment = log.attachments.get()
    assert str(settings.PRIVATE_MEDIA_ROOT) in attachment.file.path
    response = login(personas.a.chief).get(reverse("work:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert "attachment" in response["Content-Disposition"]
    assert (
        login(personas.b.chief).get(reverse("work:attachment", args=[attachment.pk])).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("病毒.exe", b"MZ\x90\x00", "类型不支持"),
        ("伪装.pdf", b"<html><script>", "内容与扩展名不符"),
        ("伪装.docx", b"PK\x03\x04notreallyazip", "内容与扩展名不符"),
    ],
)
def test_bad_attachment_is_refused_by_content(login, personas, name, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(personas.a.staff)
    response = client.post(
        reverse("work:log-create"),
        {
            "content": "带附件",
            "date": timezone.localdate(),
            "client_token": uuid.uuid4(),
            "files": SimpleUploadedFile(name, content),
        },
    )
    assert message in response.content.decode()
    assert "带附件</textarea>" in response.content.decode()
    assert not WorkLog.objects.exists()


def test_oversized_attachment_refused(personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("大.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
    with pytest.raises(Exception, match="10 MB"):
        file_log(personas.a.people["staff"], files=[big])


def test_log_editable_until_reviewed(login, personas):
    log = file_log(personas.a.people["staff"])
    client = login(personas.a.staff)
    url = reverse("work:log-edit", args=[log.pk])
    client.post(url, {"content": "改过的内容", "date": log.date})
    log.refresh_from_db()
    assert log.content == "改过的内容"
    services.log_review(log=log, by=personas.a.chief, decision=Decision.APPROVE)
    response = client.post(url, {"content": "审核后再改", "date": log.date}, follow=True)
    log.refresh_from_db()
    assert log.content == "改过的内容"
    assert "已审核" in response.content.decode()


def test_returned_log_fixed_and_resubmitted(login, personas):
    log = file_log(personas.a.people["staff"])
    with pytest.raises(Exception, match="理由"):
        services.log_review(log=log, by=personas.a.chief, decision=Decision.RETURN)
    services.log_review(
        log=log, by=personas.a.chief, decision=Decision.RETURN, comment="请写明完成了哪些环节"
    )
    log.refresh_from_db()
    assert log.status == ReviewState.RETURNED
    detail = login(personas.a.staff).get(reverse("work:log-detail", args=[log.pk]))
    assert "请写明完成了哪些环节" in detail.content.decode()
    login(personas.a.staff).post(
        reverse("work:log-edit", args=[log.pk]),
        {"content": "补充：完成了初审和复核", "date": log.date},
    )
    log.refresh_from_db()
    assert log.status == ReviewState.IN_REVIEW and log.pending_user == personas.a.chief
    assert log.history.count() >= 4


def test_chief_bulk_approves_twenty_logs_in_one_action(login, personas):
    staff = personas.a.people["staff"]
    logs = [file_log(staff, content=f"第{i}条") for i in range(20)]
    client = login(personas.a.chief)
    response = client.post(
        reverse("work:log-bulk-approve"), {"logs": [x.pk for x in logs]}, follow=True
    )
    assert "已通过 20 条纪实" in response.content.decode()
    assert WorkLog.objects.filter(status=ReviewState.APPROVED).count() == 20
    assert (
        ReviewAction.objects.filter(decision=Decision.APPROVE, actor=personas.a.chief).count() == 20
    )


def test_bulk_approve_ignores_logs_not_in_my_queue(login, personas):
    mine = file_log(personas.a.people["staff"])
    chiefs_own = file_log(personas.a.people["chief"])  # reviewed by the leader, not the chief
    client = login(personas.a.chief)
    client.post(reverse("work:log-bulk-approve"), {"logs": [mine.pk, chiefs_own.pk]})
    chiefs_own.refresh_from_db()
    assert chiefs_own.status == ReviewState.IN_REVIEW
    assert WorkLog.objects.get(pk=mine.pk).status == ReviewState.IN_REVIEW  # whole form refused


def test_chief_approves_inline_with_htmx(login, personas):
    log = file_log(personas.a.people["staff"])
    response = login(personas.a.chief).post(
        reverse("work:log-review", args=[log.pk]), {"decision": "approve"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "已通过" in response.content.decode()
    log.refresh_from_db()
    assert log.status == ReviewState.APPROVED


def test_second_approval_of_the_same_log_is_refused_with_a_message(personas):
    log = file_log(personas.a.people["staff"])
    services.log_review(log=log, by=personas.a.chief, decision=Decision.APPROVE)
    with pytest.raises(Exception, match="无需审核"):
        services.log_review(log=log, by=personas.a.chief, decision=Decision.APPROVE)
    assert ReviewAction.objects.filter(decision=Decision.APPROVE).count() == 1


def test_leaders_comment_and_the_author_sees_it(login, personas):
    log = file_log(personas.a.people["staff"])
    for key in ("leader", "principal"):
        login(personas.a.users[key]).post(
            reverse("work:log-comment", args=[log.pk]), {"comment": f"{key}的点评"}
        )
    page = login(personas.a.staff).get(reverse("work:log-detail", args=[log.pk])).content.decode()
    assert "leader的点评" in page and "principal的点评" in page
    response = login(personas.a.users["staff2"]).post(
        reverse("work:log-comment", args=[log.pk]), {"comment": "同事点评"}
    )
    assert response.status_code == 404


def test_chiefs_own_log_goes_to_the_leader_in_charge(personas):
    log = file_log(personas.a.people["chief"])
    assert log.pending_user == personas.a.leader


def test_principals_log_needs_no_review(personas):
    log = file_log(personas.a.people["principal"])
    assert log.status == ReviewState.APPROVED


def test_log_list_groups_by_week_with_counts(login, personas):
    staff = personas.a.people["staff"]
    today = timezone.localdate()
    for _ in range(3):
        file_log(staff, day=today)
    response = login(personas.a.staff).get(reverse("work:log-list"), {"month": f"{today:%Y-%m}"})
    page = response.content.decode()
    assert "本月 3 条" in page and "3 条（已通过 0）" in page


def test_bad_month_parameter_falls_back_to_this_month(login, personas):
    response = login(personas.a.staff).get(reverse("work:log-list"), {"month": "2026-13"})
    assert response.status_code == 200


def _fill(staff, chief, n):
    WorkLog.objects.bulk_create(
        WorkLog(
            region=staff.region,
            person=staff,
            unit=staff.unit,
            date=timezone.localdate(),
            content=f"纪实{i}",
            status=ReviewState.IN_REVIEW,
            pending_level=1,
            pending_user=chief,
            chain=[[1, chief.pk]],
            client_token=uuid.uuid4(),
        )
        for i in range(n)
    )


@pytest.mark.parametrize("url_name", ["work:log-list", "work:log-review-queue"])
def test_page_queries_do_not_grow_with_logs(login, personas, django_assert_num_queries, url_name):
    staff = personas.a.people["staff"]
    user = personas.a.staff if url_name == "work:log-list" else personas.a.chief
    client = login(user)
    _fill(staff, personas.a.chief, 1)
    client.get(reverse(url_name))  # warm caches (content types, sessions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse(url_name)).status_code == 200
    _fill(staff, personas.a.chief, 199)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse(url_name))
    page = response.content.decode()
    assert "纪实198" in page if url_name == "work:log-list" else "共 200 条待审核" in page


def test_quarter_deadline_message_names_the_quarter(personas):
    staff = personas.a.people["staff"]
    old = date(timezone.localdate().year - 1, 2, 1)
    with pytest.raises(Exception, match=f"{old.year}Q1"):
        file_log(staff, day=old)


def test_leader_opens_a_colleagues_logs_but_peers_and_other_regions_cannot(login, personas):
    file_log(personas.a.people["staff"], content="财政专项核查")
    url = reverse("work:log-list") + f"?person={personas.a.people['staff'].pk}"
    page = login(personas.a.leader).get(url).content.decode()
    assert "财政专项核查" in page and "的纪实" in page
    assert login(personas.a.users["staff2"]).get(url).status_code == 404
    assert login(personas.b.leader).get(url).status_code == 404
    assert login(personas.b.district_admin).get(url).status_code == 404


def test_team_page_counts_each_persons_logs(login, personas, django_assert_max_num_queries):
    staff = personas.a.people["staff"]
    file_log(staff)
    file_log(staff)
    client = login(personas.a.chief)
    with django_assert_max_num_queries(15) as one:
        page = client.get(reverse("work:team-logs")).content.decode()
    assert staff.name in page
    assert personas.b.people["staff"].name not in page
    for person in ("staff2", "unit_admin"):
        file_log(personas.a.people[person])
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("work:team-logs"))


def test_an_empty_review_trail_is_a_sentence_not_a_numbered_item(login, personas):
    empty = render_to_string("work/_trail.html", {"trail": []})
    assert "暂无记录。" in empty
    assert "<ol" not in empty and "<li" not in empty  # an <ol> item would be numbered "1."
    log = file_log(personas.a.people["staff"])
    page = login(personas.a.staff).get(reverse("work:log-detail", args=[log.pk])).content.decode()
    assert '<ol class="trail">' in page and "暂无记录。" not in page
