"""导师帮带: opened exactly once by a 一般/较差 grade (also through appeals), cancelled when an
appeal raises the grade; mentor assignment rules and load warning; visits; closing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from assessment.models import Person
from notifications.models import Notification
from reviews import services
from reviews.improvement import services as improvement
from reviews.improvement.models import MentoringCase, ReturnVisit
from tests.reviews.helpers import decided, open_quarter, record

pytestmark = pytest.mark.django_db


def _published(a, grade="average"):
    quarter = open_quarter(a)
    decided(a, "staff", quarter, grade)
    services.unit_publish(unit=a.unit, quarter=quarter, by=a.unit_admin, today=date(2026, 10, 12))
    return record(a, "staff", quarter)


def _appeal(a, qa, new_grade):
    appeal = services.appeal_create(
        assessment=qa, by=a.staff, reason="不服", today=date(2026, 10, 13)
    )
    return services.appeal_decide(
        appeal=appeal,
        by=a.district_admin,
        outcome="changed",
        new_grade=new_grade,
        reason="复核",
        today=date(2026, 10, 14),
    )


@pytest.mark.parametrize(
    ("grade", "opened"), [("good", 0), ("fairly_good", 0), ("average", 1), ("poor", 1)]
)
def test_decided_grade_opens_case_only_for_average_or_poor(personas, grade, opened):
    a = personas.a
    decided(a, "staff", open_quarter(a), grade)
    assert MentoringCase.objects.count() == opened
    if opened:
        case = MentoringCase.objects.get()
        assert case.status == "open" and case.grade == grade and case.unit == a.unit
        assert case.history.first().history_change_reason.startswith("季度考核等次为")
        assert Notification.objects.filter(user=a.unit_admin, kind="mentoring").exists()


def test_sync_twice_opens_once(personas):
    a = personas.a
    qa = decided(a, "staff", open_quarter(a), "poor")
    improvement.mentoring_sync(assessment=qa)
    improvement.mentoring_sync(assessment=qa)
    assert MentoringCase.objects.count() == 1
    assert Notification.objects.filter(user=a.unit_admin, kind="mentoring").count() == 1


def test_appeal_lowering_to_poor_keeps_one_case(personas):
    a = personas.a
    qa = _published(a, "average")
    _appeal(a, qa, "poor")
    case = MentoringCase.objects.get()
    assert case.grade == "poor" and case.status == "open"


def test_appeal_lowering_from_good_opens_a_case(personas):
    a = personas.a
    qa = _published(a, "fairly_good")
    assert not MentoringCase.objects.exists()
    _appeal(a, qa, "average")
    assert MentoringCase.objects.get().status == "open"


def test_appeal_raising_grade_cancels_case_as_revoked(personas):
    a = personas.a
    qa = _published(a, "average")
    _appeal(a, qa, "fairly_good")
    case = MentoringCase.objects.get()
    assert case.status == MentoringCase.Status.CANCELLED and case.get_status_display() == "已撤销"
    assert "帮带撤销" in case.history.first().history_change_reason


def _case(a):
    decided(a, "staff", open_quarter(a), "average")
    return MentoringCase.objects.get()


def test_mentor_must_be_of_the_unit_and_not_the_mentee(personas):
    a = personas.a
    case = _case(a)
    with pytest.raises(ValidationError, match="本单位"):
        improvement.mentor_assign(case=case, mentor=a.people["other_staff"], by=a.unit_admin)
    with pytest.raises(ValidationError, match="本人"):
        improvement.mentor_assign(case=case, mentor=a.people["staff"], by=a.unit_admin)
    with pytest.raises(PermissionDenied):
        improvement.mentor_assign(case=case, mentor=a.people["staff2"], by=a.chief)
    with pytest.raises(PermissionDenied):
        improvement.mentor_assign(case=case, mentor=a.people["staff2"], by=personas.b.unit_admin)
    row, load = improvement.mentor_assign(case=case, mentor=a.people["staff2"], by=a.unit_admin)
    assert row.mentor == a.people["staff2"] and load == 1
    assert Notification.objects.filter(user=a.staff2, kind="mentoring").exists()


def test_load_warning_past_three_mentees(client, personas):
    a = personas.a
    case = _case(a)
    mentor = a.people["staff2"]
    for i in range(3):  # three other open cases of this mentor
        other = Person.objects.create(
            region=a.region, unit=a.unit, name=f"x{i}", staff_no=f"x{i}", gender="M"
        )
        MentoringCase.objects.create(
            region=a.region,
            unit=a.unit,
            person=other,
            grade="poor",
            mentor=mentor,
            assessment=record(a, "staff", case.assessment.quarter).__class__.objects.create(
                region=a.region,
                quarter=case.assessment.quarter,
                person=other,
                unit=a.unit,
                person_kind="civil_servant",
            ),
        )
    client.force_login(a.unit_admin)
    response = client.post(
        reverse("reviews:mentoring-act", args=[case.pk]),
        {"action": "assign", "mentor": mentor.pk},
        follow=True,
    )
    assert "已帮带 4 人，超过 3 人" in response.content.decode()


def test_mentor_sets_targets_records_visits_and_closes(client, personas):
    a = personas.a
    case = _case(a)
    improvement.mentor_assign(case=case, mentor=a.people["staff2"], by=a.unit_admin)
    client.force_login(a.staff2)
    url = reverse("reviews:mentoring-act", args=[case.pk])
    client.post(url, {"action": "targets", "targets": "提高公文写作质量"})
    future = timezone.localdate() + timedelta(days=3)
    bad = client.post(
        url,
        {
            "action": "visit",
            "date": future,
            "summary": "谈心",
            "progress": "有进步",
            "next_step": "继续",
        },
    )
    page = bad.content.decode()
    assert bad.status_code == 400 and "不能晚于今天" in page and "谈心" in page
    today = timezone.localdate()
    ok = client.post(
        url,
        {
            "action": "visit",
            "date": today,
            "summary": "谈心",
            "progress": "有进步",
            "next_step": "继续",
        },
    )
    assert ok.status_code == 302
    again = client.post(
        url,
        {"action": "visit", "date": today, "summary": "再谈", "progress": "p", "next_step": "n"},
    )
    assert "本季度已记录回访" in again.content.decode()
    assert ReturnVisit.objects.count() == 1
    client.force_login(a.staff)  # the mentee may read but not record
    assert client.get(reverse("reviews:mentoring-detail", args=[case.pk])).status_code == 200
    assert client.post(url, {"action": "targets", "targets": "x"}).status_code == 403
    client.force_login(a.staff2)
    client.post(url, {"action": "close", "result": "improved", "note": "明显改进"})
    case.refresh_from_db()
    assert case.status == "closed" and case.result == "improved" and case.targets
    assert [h.history_change_reason for h in case.history.order_by("history_date")][-1] == (
        "帮带结束：已改进"
    )


def test_close_needs_a_visit(personas):
    a = personas.a
    case = _case(a)
    improvement.mentor_assign(case=case, mentor=a.people["staff2"], by=a.unit_admin)
    with pytest.raises(ValidationError, match="至少记录一次"):
        improvement.mentoring_close(case=case, by=a.staff2, result="improved")


def test_next_quarter_grade_shown(personas):
    a = personas.a
    case = _case(a)  # 2026Q3 一般
    decided(a, "staff", open_quarter(a, 2026, 4), "fairly_good")
    assert improvement.next_quarter_grade(case) == "较好"


def test_lists_scoped_and_constant_queries(client, personas, django_assert_max_num_queries):
    a, b = personas.a, personas.b
    case = _case(a)
    improvement.mentor_assign(case=case, mentor=a.people["staff2"], by=a.unit_admin)
    client.force_login(a.staff2)
    assert "astaff" in client.get(reverse("reviews:mentoring-list")).content.decode()
    client.force_login(a.district_admin)
    client.get(reverse("reviews:mentoring-list"))
    with django_assert_max_num_queries(14):
        page = client.get(reverse("reviews:mentoring-list")).content.decode()
    assert "astaff" in page and "本季度待回访" in page
    client.force_login(b.district_admin)
    assert "astaff" not in client.get(reverse("reviews:mentoring-list")).content.decode()
    assert client.get(reverse("reviews:mentoring-detail", args=[case.pk])).status_code == 404
