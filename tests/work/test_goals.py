from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.models import Goal, GoalPlan
from assessment.periods import assessment_year
from assessment.work import services
from reviews.models import Decision, ReviewState
from tests.work.helpers import open_goal_window, submitted_plan

pytestmark = pytest.mark.django_db


def _approve(plan, *users):
    for user in users:
        plan = services.goalplan_review(plan=plan, by=user, decision=Decision.APPROVE)
    return plan


def test_goal_plan_goes_through_the_whole_chain(personas):
    a = personas.a
    plan = submitted_plan(a.people["staff"])
    assert (plan.pending_level, plan.pending_user) == (1, a.chief)
    plan = _approve(plan, a.chief)
    assert (plan.pending_level, plan.pending_user) == (2, a.leader)
    plan = _approve(plan, a.leader)
    assert (plan.pending_level, plan.pending_user) == (3, a.principal)
    plan = _approve(plan, a.principal)
    assert plan.status == ReviewState.APPROVED and plan.pending_user is None


def test_reviewer_cannot_skip_ahead_of_their_level(personas):
    plan = submitted_plan(personas.a.people["staff"])
    with pytest.raises(Exception, match="不是该记录当前的审核人"):
        services.goalplan_review(plan=plan, by=personas.a.principal, decision=Decision.APPROVE)


@pytest.mark.parametrize("level", [1, 2, 3])
def test_return_at_any_level_goes_back_to_the_author_and_restarts_at_level_1(personas, level):
    a = personas.a
    plan = submitted_plan(a.people["staff"])
    reviewers = [a.chief, a.leader, a.principal]
    plan = _approve(plan, *reviewers[: level - 1])
    plan = services.goalplan_review(
        plan=plan, by=reviewers[level - 1], decision=Decision.RETURN, comment="目标不够具体"
    )
    assert plan.status == ReviewState.RETURNED
    plan = services.goalplan_submit(plan=plan, by=a.staff)
    assert (plan.pending_level, plan.pending_user) == (1, a.chief)


def test_approved_goals_are_locked_and_a_change_needs_reapproval(login, personas):
    a = personas.a
    plan = _approve(submitted_plan(a.people["staff"]), a.chief, a.leader, a.principal)
    goal = plan.goals.get()
    client = login(a.staff)
    response = client.post(
        reverse("work:goal-edit", args=[goal.pk]), {"title": "偷偷改目标", "measure": ""}
    )
    assert "申请修改" in response.content.decode()
    goal.refresh_from_db()
    assert goal.title == "完成年度预算编制"
    client.post(reverse("work:goal-reopen", args=[plan.pk]), {"reason": "新增区级重点任务"})
    plan.refresh_from_db()
    assert plan.status == ReviewState.DRAFT
    client.post(
        reverse("work:goal-edit", args=[goal.pk]),
        {"title": "完成年度预算编制及绩效评价", "measure": ""},
    )
    client.post(reverse("work:goal-submit", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == ReviewState.IN_REVIEW
    reasons = list(plan.history.values_list("history_change_reason", flat=True))
    assert any("新增区级重点任务" in (r or "") for r in reasons)
    page = client.get(reverse("work:goal-detail", args=[plan.pk])).content.decode()
    assert "新增区级重点任务" in page


def test_first_submission_outside_the_goal_window_is_refused(personas):
    staff = personas.a.people["staff"]
    year = timezone.localdate().year
    settings = assessment_year(staff.region, year)
    settings.goal_window_start, settings.goal_window_end = date(year, 1, 1), date(year, 1, 31)
    settings.save()
    plan = services.goalplan_get_or_create(person=staff, year=year)
    Goal.objects.create(plan=plan, title="目标")
    if timezone.localdate() > date(year, 1, 31):
        with pytest.raises(Exception, match="不在定标期内"):
            services.goalplan_submit(plan=plan, by=personas.a.staff)


def test_empty_plan_cannot_be_submitted(personas):
    staff = personas.a.people["staff"]
    open_goal_window(staff.region, timezone.localdate().year)
    plan = services.goalplan_get_or_create(person=staff, year=timezone.localdate().year)
    with pytest.raises(Exception, match="至少填写一项目标"):
        services.goalplan_submit(plan=plan, by=personas.a.staff)


def test_staff_adds_goals_through_the_page(login, personas):
    open_goal_window(personas.a.region, timezone.localdate().year)
    client = login(personas.a.staff)
    start = client.get(reverse("work:goal-plan"))
    assert not GoalPlan.objects.exists()  # a GET only offers to start the plan
    assert "开始填写年度目标" in start.content.decode()
    response = client.post(
        reverse("work:goal-plan"), {"year": timezone.localdate().year}, follow=True
    )
    plan = GoalPlan.objects.get(person=personas.a.people["staff"])
    client.post(
        reverse("work:goal-add", args=[plan.pk]),
        {"title": "全年无差错完成账务处理", "measure": "差错0次"},
    )
    client.post(reverse("work:goal-submit", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == ReviewState.IN_REVIEW
    assert response.status_code == 200
    queue = login(personas.a.chief).get(reverse("work:goal-review-queue")).content.decode()
    assert personas.a.people["staff"].name in queue


def test_goal_review_page_shows_the_form_only_to_the_pending_reviewer(login, personas):
    plan = submitted_plan(personas.a.people["staff"])
    url = reverse("work:goal-detail", args=[plan.pk])
    assert "提交审核意见" in login(personas.a.chief).get(url).content.decode()
    assert "提交审核意见" not in login(personas.a.leader).get(url).content.decode()


def test_goal_review_queue_queries_constant(login, personas, django_assert_max_num_queries):
    client = login(personas.a.chief)
    submitted_plan(personas.a.people["staff"])
    with django_assert_max_num_queries(12):
        client.get(reverse("work:goal-review-queue"))
    submitted_plan(personas.a.people["staff2"])
    with django_assert_max_num_queries(12):
        page = client.get(reverse("work:goal-review-queue")).content.decode()
    assert personas.a.people["staff2"].name in page


@pytest.mark.parametrize("year", ["0", "2999", "32767", "9" * 25, "-1", "x"])
def test_goal_plan_get_with_any_year_creates_nothing(login, personas, year):
    open_goal_window(personas.a.region, timezone.localdate().year)
    response = login(personas.a.staff).get(reverse("work:goal-plan"), {"year": year})
    assert response.status_code == 404
    assert not GoalPlan.objects.exists()


def test_goal_plan_only_for_years_the_region_opened(login, personas):
    client = login(personas.a.staff)
    year = timezone.localdate().year
    page = client.get(reverse("work:goal-plan"))  # this year not opened yet: a message, no row
    assert "本区尚未开放" in page.content.decode()
    response = client.post(reverse("work:goal-plan"), {"year": year})
    assert "本区尚未开放" in response.content.decode()
    assert not GoalPlan.objects.exists()
    open_goal_window(personas.a.region, year)
    client.post(reverse("work:goal-plan"), {"year": year})
    client.post(reverse("work:goal-plan"), {"year": year})  # twice: still one plan
    assert GoalPlan.objects.get().year == year
