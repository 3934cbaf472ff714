"""Demo key tasks (目责任务) for 2026, seen on 2026-11-27: region tasks decomposed to units,
sections and people, progress reported through the year, some overdue and some at risk, a few
supervision notes. Bulk inserts (history rows included); the demo staff user's task gets its
latest report through the service so its page shows a real history."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import fmean
from zoneinfo import ZoneInfo

from django.conf import settings
from simple_history.utils import bulk_create_with_history

from ..keytasks import services
from ..models import (
    KeyTask,
    KeyTaskProgress,
    Membership,
    Person,
    Role,
    Section,
    SupervisionNote,
    Unit,
    User,
)
from .seed import DEMO_UNIT

YEAR = 2026
TODAY = date(2026, 11, 27)
TZ = ZoneInfo(settings.TIME_ZONE)
REASON = "演示数据"

# (title, target, deadline, share of units, description)
REGION_TASKS = (
    (
        "优化营商环境攻坚行动",
        "企业办事材料精简 30%，满意度 95% 以上",
        date(2026, 12, 31),
        0.5,
        "对标先进地区，围绕开办企业、获得用地、纳税服务等环节压减材料和时限。",
    ),
    (
        "基层治理能力提升",
        "完成 120 个网格员轮训，矛盾纠纷化解率 98%",
        date(2026, 12, 18),
        0.4,
        "深化网格化管理，健全矛盾纠纷多元化解机制。",
    ),
    (
        "重点项目建设推进",
        "年度投资完成率 100%，开工率 95%",
        date(2026, 10, 31),
        0.35,
        "建立项目专班，周调度、月通报，解决土地、资金、审批难题。",
    ),
    (
        "政务服务“一网通办”",
        "高频事项网上可办率 95%",
        date(2026, 12, 5),
        0.3,
        "推进政务服务事项标准化，打通部门数据壁垒。",
    ),
    (
        "安全生产隐患排查整治",
        "隐患整改率 100%，零较大事故",
        date(2026, 11, 15),
        0.45,
        "开展安全生产大检查，建立隐患台账，闭环整改。",
    ),
)
UNIT_TASKS = (
    ("预算绩效管理改革", "绩效目标覆盖全部预算单位", date(2026, 12, 25)),
    ("档案数字化", "完成 2015 年以来文书档案数字化", date(2026, 11, 20)),
)
NOTES = (
    "已完成阶段性工作，正在推进下一环节。",
    "召开专题会议研究部署，明确责任分工。",
    "完成现场检查，发现问题已列入台账并督促整改。",
    "与相关部门对接，协调解决资金和审批问题。",
    "汇总报送阶段性进展，形成工作简报。",
    "开展入户走访和问卷调查，收集意见建议。",
)
SUPERVISION = (
    "该任务已逾期，请于本周五前报送整改情况和完成时间。",
    "进度明显滞后，请说明原因并提出赶进度措施。",
    "临近时限，请加快推进，确保按期完成。",
)


def _aware(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=TZ)


def _round(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _final_percent(rng: random.Random, deadline: date) -> int:
    """Most finished tasks are done; about a third of the late ones are not (overdue)."""
    if deadline < TODAY:
        return 100 if rng.random() < 0.65 else rng.choice((40, 55, 60, 70, 85))
    days_left = (deadline - TODAY).days
    if days_left <= 14:
        return rng.choice((45, 60, 70, 75, 85, 90, 100))
    return rng.choice((30, 45, 50, 60, 65, 70, 80))


class _Builder:
    def __init__(self, region, rng: random.Random) -> None:
        self.region, self.rng = region, rng
        roles = defaultdict(list)
        for m in Membership.objects.filter(region=region).values(
            "role", "unit_id", "section_id", "user_id"
        ):
            roles[(m["role"], m["unit_id"] if not m["section_id"] else m["section_id"])].append(
                m["user_id"]
            )
        self.roles = roles
        district = Membership.objects.filter(region=region, role=Role.DISTRICT_ADMIN).first()
        self.units = list(Unit.objects.filter(region=region, is_active=True).order_by("code"))
        principal_any = next(
            (
                roles[(Role.PRINCIPAL_LEADER, u.pk)][0]
                for u in self.units
                if roles[(Role.PRINCIPAL_LEADER, u.pk)]
            ),
            None,
        )
        self.district_user_id = district.user_id if district else principal_any
        self.sections = defaultdict(list)
        for s in Section.objects.filter(region=region, is_active=True).order_by("pk"):
            self.sections[s.unit_id].append(s)
        self.people = defaultdict(list)
        for p in Person.objects.filter(
            region=region, is_active=True, section__isnull=False
        ).order_by("pk"):
            self.people[p.section_id].append(p)
        staff = Person.objects.filter(region=region, user__username="staff").first()
        self.staff = staff
        self.demo_unit = next((u for u in self.units if u.name == DEMO_UNIT), None)
        if staff is not None:
            self.demo_unit = next((u for u in self.units if u.pk == staff.unit_id), self.demo_unit)

    def user_for(self, role, node_id) -> int:
        return (self.roles.get((role, node_id)) or [self.district_user_id])[0]

    def task(self, parent, level, *, title, target, deadline, description="", **node) -> KeyTask:
        created = _aware(date(YEAR, 1, 10) + timedelta(days=self.rng.randint(0, 40)))
        return KeyTask(
            region=self.region,
            parent=parent,
            level=level,
            year=YEAR,
            title=title,
            target=target,
            description=description,
            deadline=deadline,
            created_at=created,
            **node,
        )

    # -- the tree ------------------------------------------------------------------------
    def build(self) -> None:
        if not self.units or self.district_user_id is None:
            return
        rng = self.rng
        regions = []
        for title, target, deadline, _share, description in REGION_TASKS[
            : max(
                3, len(self.units) // 2
            )  # the third is already late on TODAY
        ]:
            t = self.task(
                None,
                KeyTask.Level.REGION,
                title=title,
                target=target,
                deadline=deadline,
                description=description,
            )
            t.created_by_id = self.district_user_id
            regions.append(t)

        units = []
        for rt, (_t, _g, _d, share, _desc) in zip(regions, REGION_TASKS, strict=False):
            count = max(2, round(len(self.units) * share))
            chosen = rng.sample(self.units, min(count, len(self.units)))
            if self.demo_unit is not None and self.demo_unit not in chosen:
                chosen[0] = self.demo_unit
            for unit in chosen:
                t = self.task(
                    rt,
                    KeyTask.Level.UNIT,
                    title=rt.title,
                    target=rt.target,
                    deadline=rt.deadline,
                    unit=unit,
                )
                t.created_by_id = self.district_user_id
                units.append(t)
        # a few units set key tasks of their own
        own_units = [self.demo_unit] if self.demo_unit else []
        own_units += [
            u for u in rng.sample(self.units, min(2, len(self.units))) if u not in own_units
        ]
        for unit, (title, target, deadline) in zip(own_units, UNIT_TASKS * 2, strict=False):
            t = self.task(
                None, KeyTask.Level.UNIT, title=title, target=target, deadline=deadline, unit=unit
            )
            t.created_by_id = self.user_for(Role.UNIT_ADMIN, unit.pk)
            units.append(t)

        sections = []
        for ut in units:
            available = self.sections[ut.unit_id]
            if not available:
                continue
            chosen = rng.sample(available, min(len(available), rng.choice((1, 2, 2, 3))))
            if self.staff is not None and ut.unit_id == self.staff.unit_id:
                own = next(s for s in available if s.pk == self.staff.section_id)
                if own not in chosen:
                    chosen[0] = own
            for section in chosen:
                deadline = ut.deadline - timedelta(days=rng.choice((0, 0, 3, 7)))
                t = self.task(
                    ut,
                    KeyTask.Level.SECTION,
                    title=ut.title,
                    target=ut.target,
                    deadline=deadline,
                    unit_id=ut.unit_id,
                    section=section,
                )
                t.created_by_id = self.user_for(Role.PRINCIPAL_LEADER, ut.unit_id)
                sections.append(t)

        people = []
        for st in sections:
            if st.parent.parent is None:  # a unit's own task stays with the section chief
                continue
            available = self.people[st.section_id]
            if not available:
                continue
            chosen = rng.sample(available, min(len(available), rng.choice((1, 2, 3))))
            if self.staff is not None and st.section_id == self.staff.section_id:
                if self.staff not in chosen:
                    chosen[0] = self.staff
            for person in chosen:
                t = self.task(
                    st,
                    KeyTask.Level.PERSON,
                    title=st.title,
                    target=st.target,
                    deadline=st.deadline,
                    unit_id=st.unit_id,
                    section_id=st.section_id,
                    person=person,
                )
                t.created_by_id = self.user_for(Role.SECTION_CHIEF, st.section_id)
                people.append(t)
        self.progress(regions, units, sections, people)

    # -- progress --------------------------------------------------------------------------
    def progress(self, regions, units, sections, people) -> None:
        """Decide each leaf's final percent, roll up to the parents, save the tree level by
        level (the history rows carry the values), then the reports that led there."""
        rng = self.rng
        children = defaultdict(list)
        for t in units + sections + people:
            if t.parent is not None:
                children[id(t.parent)].append(t)
        leaves = [t for t in units + sections + people if id(t) not in children]
        staff_tasks = [t for t in people if self.staff is not None and t.person_id == self.staff.pk]
        final = {id(t): _final_percent(rng, t.deadline) for t in leaves}
        # the demo staff user: of the late tasks the safety one done, the others overdue
        for t in staff_tasks:
            if t.deadline < TODAY:
                final[id(t)] = 100 if t.title.startswith("安全") else 60
            else:
                final[id(t)] = 55
        value = {k: Decimal(v) for k, v in final.items()}
        for t in sections + units + regions:  # bottom-up: children before their parent
            if id(t) in children:
                value[id(t)] = _round(fmean(float(value[id(c)]) for c in children[id(t)]))
        for t in regions + units + sections + people:
            t.progress = value.get(id(t), Decimal(0))
            t.status = KeyTask.Status.DONE if t.progress >= 100 else KeyTask.Status.ACTIVE
            # the history row says who created the task, and when
            t._history_user, t._history_date = User(pk=t.created_by_id), t.created_at
        for level in (regions, units, sections, people):
            bulk_create_with_history(
                level,
                KeyTask,
                batch_size=1000,
                default_change_reason=REASON,
                default_date=_aware(date(YEAR, 1, 10)),
            )
        reports = []
        for t in leaves:
            who = self._reporter(t)
            target = final[id(t)]
            steps = rng.randint(1, 4)
            start = t.created_at.date() + timedelta(days=20)
            end = min(t.deadline, TODAY - timedelta(days=1))
            span = max(1, (end - start).days)
            percents = sorted(
                {max(5, round(target * (i + 1) / steps / 5) * 5) for i in range(steps)}
            )
            percents[-1] = target
            for i, pct in enumerate(percents):
                day = start + timedelta(days=span * (i + 1) // len(percents))
                report = KeyTaskProgress(
                    task=t,
                    percent=Decimal(pct),
                    value="" if rng.random() < 0.5 else f"已完成 {pct}%",
                    note=rng.choice(NOTES),
                    posted_by_id=who,
                    posted_at=_aware(day, rng.randint(9, 17)),
                )
                report._history_user, report._history_date = User(pk=who), report.posted_at
                reports.append(report)
        bulk_create_with_history(
            reports,
            KeyTaskProgress,
            batch_size=1000,
            default_change_reason=REASON,
            default_date=_aware(TODAY),
        )
        self.staff_report(staff_tasks)
        self.notes(units + sections + people, staff_tasks)

    def _reporter(self, t: KeyTask) -> int:
        if t.level == KeyTask.Level.PERSON:
            return t.person.user_id or self.district_user_id
        if t.level == KeyTask.Level.SECTION:
            return self.user_for(Role.SECTION_CHIEF, t.section_id)
        return self.user_for(Role.UNIT_ADMIN, t.unit_id)

    def staff_report(self, staff_tasks) -> None:
        """Today's report on the staff user's open task, through the service (history rows)."""
        open_tasks = [t for t in staff_tasks if t.deadline >= TODAY]
        if not open_tasks or self.staff.user is None:
            return
        task = open_tasks[0]
        services.keytask_report_progress(
            task=task,
            by=self.staff.user,
            percent=Decimal(70),
            value="已完成 70%",
            note="本周完成材料汇总，剩余环节按计划推进。",
        )

    def notes(self, tasks, staff_tasks) -> None:
        rng = self.rng
        notes = []
        for t in staff_tasks:
            if t.deadline < TODAY and t.progress < 100:
                author = self.user_for(Role.PRINCIPAL_LEADER, t.unit_id)
                notes.append(
                    SupervisionNote(
                        task=t,
                        author_id=author,
                        text=SUPERVISION[0],
                        created_at=_aware(TODAY - timedelta(days=2)),
                    )
                )
        late = [
            t for t in tasks if t.deadline < TODAY and t.progress < 100 and t not in staff_tasks
        ]
        for t in rng.sample(late, min(3, len(late))):
            author = (
                self.district_user_id
                if t.level == KeyTask.Level.UNIT
                else self.user_for(Role.PRINCIPAL_LEADER, t.unit_id)
            )
            read = _aware(TODAY - timedelta(days=1)) if rng.random() < 0.5 else None
            notes.append(
                SupervisionNote(
                    task=t,
                    author_id=author,
                    text=rng.choice(SUPERVISION[:2]),
                    created_at=_aware(TODAY - timedelta(days=rng.randint(2, 10))),
                    read_at=read,
                )
            )
        SupervisionNote.objects.bulk_create(notes)


def seed_region(region, rng: random.Random) -> None:
    _Builder(region, rng).build()
