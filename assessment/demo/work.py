"""Demo goals and work logs: approved 2026 goal plans for everyone (a few still in review),
and the current quarter's work logs, older ones approved, the last week's waiting for review."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from reviews.models import Decision, ReviewAction, ReviewState

from ..calendar import WorkingCalendar
from ..chain import reviewer_chains
from ..models import Goal, GoalPlan, KeyTask, Person, User, WorkLog
from ..periods import quarter_bounds, quarter_number

GOALS = (
    ("全年无差错完成本岗位业务办理", "差错率为0"),
    ("按时完成重点任务分解到本人的事项", "按节点完成率100%"),
    ("参加业务培训不少于40学时", "学时证明"),
    ("撰写调研报告或信息稿件", "不少于4篇"),
    ("落实窗口服务承诺", "群众满意率95%以上"),
)
VERBS = ("起草", "审核", "办理", "参加", "整理", "走访", "汇总", "督促落实", "协调", "答复")
OBJECTS = (
    "季度工作总结",
    "专项资金拨付材料",
    "群众来信来访件",
    "党组理论学习中心组学习",
    "业务档案归档",
    "辖区企业走访记录",
    "统计报表",
    "安全生产检查问题整改",
    "政策文件解读材料",
    "部门预算执行情况",
    "人大代表建议办理",
    "政务信息稿件",
)


def _content(rng: random.Random) -> str:
    count = rng.randint(1, 6)
    return f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}，共{count}项，已按要求完成并报送。"


def seed_region(region, rng: random.Random) -> None:
    today = timezone.localdate()
    people = list(Person.objects.filter(region=region, is_active=True).order_by("pk"))
    chains = reviewer_chains(people)
    _seed_goals(region, people, chains, today.year, rng)
    _seed_logs(region, people, chains, today, rng)


def _approved(chain) -> dict:
    steps = [[s.level, s.user_id] for s in chain]
    return {"status": ReviewState.APPROVED, "chain": steps}


def _seed_goals(region, people, chains, year, rng) -> None:
    demo_staff = set(User.objects.filter(username__in=("staff",)).values_list("pk", flat=True))
    plans = []
    for person in people:
        state = _approved(chains[person.pk])
        in_review = person.user_id in demo_staff or (rng.random() < 0.03 and chains[person.pk])
        if in_review and chains[person.pk]:
            first = chains[person.pk][0]
            state.update(
                status=ReviewState.IN_REVIEW,
                pending_level=first.level,
                pending_user_id=first.user_id,
            )
        plans.append(
            GoalPlan(region=region, person=person, year=year, submitted_at=timezone.now(), **state)
        )
    GoalPlan.objects.bulk_create(plans, batch_size=2000)
    plans = GoalPlan.objects.filter(region=region, year=year).select_related("person")
    tasks = dict(
        KeyTask.objects.filter(region=region, person__isnull=False).values_list("person_id", "pk")
    )
    goals = []
    for plan in plans:
        for title, measure in rng.sample(GOALS, 3):
            goals.append(Goal(plan=plan, title=title, measure=measure))
        if plan.person_id in tasks:
            goals.append(
                Goal(
                    plan=plan,
                    title="完成分解到本人的目责任务",
                    measure="按期完成",
                    key_task_id=tasks[plan.person_id],
                )
            )
    Goal.objects.bulk_create(goals, batch_size=5000)


def _seed_logs(region, people, chains, today, rng) -> None:
    start, _end = quarter_bounds(today.year, quarter_number(today))
    days = WorkingCalendar(region.pk).between(start, today)
    recent = today - timedelta(days=7)
    logs = []
    for person in people:
        chain = chains[person.pk][:1]
        for day in days:
            if rng.random() > 0.6:
                continue
            state = {"status": ReviewState.APPROVED, "chain": [[s.level, s.user_id] for s in chain]}
            if chain and day >= recent:
                state.update(
                    status=ReviewState.IN_REVIEW,
                    pending_level=chain[0].level,
                    pending_user_id=chain[0].user_id,
                )
            logs.append(
                WorkLog(
                    region=region,
                    person=person,
                    unit_id=person.unit_id,
                    date=day,
                    content=_content(rng),
                    client_token=uuid.uuid4(),
                    submitted_at=timezone.now(),
                    **state,
                )
            )
    WorkLog.objects.bulk_create(logs, batch_size=5000)
    _seed_trail(region, today)


def _seed_trail(region, today) -> None:
    """Review actions for the demo unit's approved logs, so their pages show who approved."""
    ct = ContentType.objects.get_for_model(WorkLog)
    staff = User.objects.filter(username="staff").first()
    if staff is None or not hasattr(staff, "person") or staff.person.region_id != region.pk:
        return
    rows = WorkLog.objects.filter(
        person__section_id=staff.person.section_id, status=ReviewState.APPROVED
    ).values_list("pk", "chain", "person__user_id")
    actions = []
    for pk, chain, author in rows:
        if not chain:
            continue
        level, reviewer = chain[0]
        actions.append(
            ReviewAction(
                region=region,
                content_type=ct,
                object_id=pk,
                actor_id=author,
                decision=Decision.SUBMIT,
                from_status=ReviewState.DRAFT,
                to_status=ReviewState.IN_REVIEW,
            )
        )
        actions.append(
            ReviewAction(
                region=region,
                content_type=ct,
                object_id=pk,
                actor_id=reviewer,
                level=level,
                decision=Decision.APPROVE,
                from_status=ReviewState.IN_REVIEW,
                to_status=ReviewState.APPROVED,
            )
        )
    ReviewAction.objects.bulk_create(actions, batch_size=5000)
