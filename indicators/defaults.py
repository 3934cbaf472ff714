"""The default indicator set (DOMAIN.md "Indicators"): 4 categories, 18 indicators per unit
category. Weights are the region's starting point; the district admin edits them per year."""

from __future__ import annotations

from decimal import Decimal

from .models import Category, Method

C, IND, F, N = Category.COMMON, Category.INDIVIDUAL, Category.FEATURED, Category.NEGATIVE
LR = Method.LEADER_RATING

# (category, code, name, weight, method); 共性 40 + 个性 36 + 特色 24 = 100; 负面 weights cap
# the deduction of that indicator.
COMMON = (
    (C, "political", "政治素质", 8, LR),
    (C, "learning", "学习培训", 8, LR),
    (C, "attendance", "出勤情况", 8, Method.ATTENDANCE),
    (C, "discipline", "纪律作风", 8, LR),
    (C, "integrity", "廉洁自律", 8, LR),
)
INDIVIDUAL = (
    (IND, "duties", "岗位职责完成", 6, LR),
    (IND, "goals", "年初目标推进", 6, Method.GOAL_PROGRESS),
    (IND, "key_tasks", "重点任务完成", 6, Method.KEY_TASK_PROGRESS),
    (IND, "quality", "工作质量", 6, LR),
    (IND, "efficiency", "工作效率", 6, LR),
    (IND, "innovation", "创新创优", 6, LR),
)
# the category-specific 特色 indicator, by unit category code
CATEGORY_SPECIFIC = {
    "window": ("service", "服务质量与承诺兑现"),
    "legal": ("law_enforcement", "执法办案规范"),
    "mass": ("mass_contact", "联系服务群众"),
    "general": ("coordination", "统筹协调"),
}
CATEGORY_FALLBACK = ("unit_feature", "单位特色工作")
FEATURED_SHARED = (
    (F, "peer", "同事互评", 8, Method.PEER_RATING),
    (F, "public", "群众满意度", 8, Method.PUBLIC_RATING),
)
NEGATIVE = (
    (N, "violation", "违规违纪违法", 30, Method.DEDUCTION),
    (N, "accountability", "问责追责", 20, Method.DEDUCTION),
    (N, "complaint", "有效投诉", 10, Method.DEDUCTION),
    (N, "mistake", "工作失误", 10, Method.DEDUCTION),
)
# units may move a 个性/特色 weight by this share of the default, up or down
TUNE_SHARE = Decimal("0.5")


def default_indicators(category_code: str) -> list[dict]:
    code, name = CATEGORY_SPECIFIC.get(category_code, CATEGORY_FALLBACK)
    rows = [*COMMON, *INDIVIDUAL, (F, code, name, 8, LR), *FEATURED_SHARED, *NEGATIVE]
    out = []
    for order, (category, ind_code, ind_name, weight, method) in enumerate(rows, start=1):
        weight = Decimal(weight)
        tunable = category in (IND, F)
        out.append(
            {
                "category": category,
                "code": ind_code,
                "name": ind_name,
                "weight": weight,
                "method": method,
                "order": order * 10,
                "min_weight": weight * (1 - TUNE_SHARE) if tunable else None,
                "max_weight": weight * (1 + TUNE_SHARE) if tunable else None,
            }
        )
    return out
