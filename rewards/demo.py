"""Demo reward/punishment records: about 1,100 across a 1,300-person region over two years (the
seed report's figure), a few sanctions with a block period."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from assessment.models import Membership, Person, Role

from .models import RewardKind, RewardLevel, RewardRecord, RewardType

YEARS = (2025, 2026)
REWARDS_PER_PERSON = 1100 / 1300
REWARDS = [
    (RewardType.COMMENDATION, 60),
    (RewardType.PRAISE, 25),
    (RewardType.MERIT_3, 10),
    (RewardType.HONOUR, 4),
    (RewardType.MERIT_2, 1),
]
LEVELS = [
    (RewardLevel.UNIT, 30),
    (RewardLevel.DISTRICT, 45),
    (RewardLevel.CITY, 18),
    (RewardLevel.PROVINCIAL, 6),
    (RewardLevel.NATIONAL, 1),
]
ISSUERS = {
    RewardLevel.UNIT: "本单位",
    RewardLevel.DISTRICT: "区委、区人民政府",
    RewardLevel.CITY: "市人民政府",
    RewardLevel.PROVINCIAL: "省人力资源和社会保障厅",
    RewardLevel.NATIONAL: "国家有关部委",
}
REASONS = [
    "防汛抢险工作表现突出",
    "疫情防控工作成绩显著",
    "全年目标任务完成出色",
    "优化营商环境工作成效明显",
    "信访维稳工作表现突出",
    "重点项目建设推进有力",
    "窗口服务群众满意度高",
]
SANCTIONS = [
    (RewardType.ADMONITION, "工作作风不实，群众反映强烈", 0),
    (RewardType.WARNING, "违反工作纪律", 183),
    (RewardType.DEMERIT, "履职不力造成不良影响", 365),
]


def _pick(rng, weighted):
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


@transaction.atomic
def seed_region(region, rng: random.Random) -> None:
    people = list(Person.objects.filter(region=region, is_active=True).order_by("pk"))
    if not people or RewardRecord.objects.filter(region=region).exists():
        return
    hr = (
        Membership.objects.filter(region=region, role=Role.HR).order_by("pk").first()
        or Membership.objects.filter(region=region, role=Role.DISTRICT_ADMIN).first()
    )
    author = hr.user if hr else people[0].user
    today = timezone.localdate()
    rows = []
    count = round(len(people) * REWARDS_PER_PERSON)
    for i in range(count):
        person = rng.choice(people)
        year = YEARS[i % 2]
        day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
        day = min(day, today)
        level = _pick(rng, LEVELS)
        rows.append(
            RewardRecord(
                region=region,
                person=person,
                unit_id=person.unit_id,
                kind=RewardKind.REWARD,
                type=_pick(rng, REWARDS),
                level=level,
                date=day,
                issuer=ISSUERS[level],
                document_no=f"{'区委' if level != RewardLevel.UNIT else '单位'}〔{year}〕{i + 1}号",
                reason=rng.choice(REASONS),
                created_by=author,
            )
        )
    for n, (type_, reason, block_days) in enumerate(SANCTIONS * 2):
        person = rng.choice(people)
        day = min(date(YEARS[n % 2], 3 + n, 10), today)
        rows.append(
            RewardRecord(
                region=region,
                person=person,
                unit_id=person.unit_id,
                kind=RewardKind.PUNISHMENT,
                type=type_,
                level=RewardLevel.DISTRICT,
                date=day,
                issuer="区纪委监委",
                document_no=f"区纪〔{day.year}〕{n + 1}号",
                reason=reason,
                blocks_until=day + timedelta(days=block_days) if block_days else None,
                created_by=author,
            )
        )
    bulk_create_with_history(rows, RewardRecord, batch_size=500, default_change_reason="演示数据")
