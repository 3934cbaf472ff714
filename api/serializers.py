"""Shapes of what goes in and out. Inputs are plain text here: the import rules
(assessment.roster.importer, indicators.imports) check them and word the errors."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

MAX_ITEMS = 20_000


def _text(max_length: int, *, required: bool = False, help_text: str = ""):
    return serializers.CharField(
        max_length=max_length,
        required=required,
        allow_blank=not required,
        help_text=help_text,
    )


class ProblemOut(serializers.Serializer):
    """RFC 9457 problem details; `detail` is the Chinese message, `errors` the field or row
    errors where there are any."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.JSONField(required=False)


class RosterPersonIn(serializers.Serializer):
    staff_no = _text(30, required=True, help_text="工号（区内唯一）")
    name = _text(50, required=True, help_text="姓名")
    gender = _text(2, help_text="男 / 女（新人员必填）")
    birth_date = _text(20, help_text="出生年月，如 1985-03")
    ethnicity = _text(20)
    political_status = _text(20)
    education = _text(30)
    unit = _text(30, required=True, help_text="单位代码")
    section = _text(100, help_text="组室名称；空字符串表示不在组室")
    position = _text(60, help_text="职务职级")
    kind = _text(10, help_text="公务员 / 借用人员")
    in_post_since = _text(20, help_text="现任职时间，如 2021-06")
    work_in_charge = _text(200)


class RosterSyncIn(serializers.Serializer):
    people = RosterPersonIn(many=True, max_length=MAX_ITEMS, min_length=1)
    create_sections = serializers.BooleanField(
        default=False, help_text="单位没有的组室是否新建（否则作为错误）"
    )


class RosterSyncOut(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    sections = serializers.IntegerField()


class AttendanceIn(serializers.Serializer):
    staff_no = _text(30, required=True)
    date = _text(20, required=True, help_text="YYYY-MM-DD")
    status = _text(20, required=True, help_text="出勤 / 请假 / 旷工 / 迟到早退")


class AttendanceBatchIn(serializers.Serializer):
    records = AttendanceIn(many=True, max_length=MAX_ITEMS, min_length=1)


class NegativeIn(serializers.Serializer):
    staff_no = _text(30, required=True)
    date = _text(20, required=True, help_text="认定日期 YYYY-MM-DD")
    source = _text(20, required=True, help_text="来源部门：纪检 / 政法 / 公安 / 信访 / 组织 / 其他")
    type = _text(30, required=True, help_text="违规违纪违法 / 问责追责 / 有效投诉 / 工作失误")
    severity = _text(10, required=True, help_text="轻微 / 一般 / 严重")
    document_no = _text(100, required=True, help_text="文号（必填）")
    description = _text(2000)
    in_force_until = _text(20, help_text="影响期截止 YYYY-MM-DD")


class NegativeBatchIn(serializers.Serializer):
    records = NegativeIn(many=True, max_length=MAX_ITEMS, min_length=1)


class ImportedOut(serializers.Serializer):
    imported = serializers.IntegerField()


class UnitOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    category = serializers.CharField(source="category.code")
    is_active = serializers.BooleanField()


class PersonOut(serializers.Serializer):
    staff_no = serializers.CharField()
    name = serializers.CharField()
    gender = serializers.CharField()
    unit = serializers.CharField(source="unit.code")
    section = serializers.CharField(source="section.name", allow_null=True, default=None)
    position = serializers.CharField()
    kind = serializers.CharField()
    is_active = serializers.BooleanField()


class PeriodQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4, required=False)
    unit = serializers.CharField(max_length=30, required=False, help_text="单位代码")


class UnitQuery(serializers.Serializer):
    unit = serializers.CharField(max_length=30, required=False, help_text="单位代码")


class QuarterResultOut(serializers.Serializer):
    staff_no = serializers.CharField(source="person.staff_no")
    name = serializers.CharField(source="person.name")
    unit = serializers.CharField(source="unit.code")
    year = serializers.IntegerField(source="quarter.year.year")
    quarter = serializers.IntegerField(source="quarter.number")
    status = serializers.CharField()
    grade = serializers.CharField(help_text="good / fairly_good / average / poor；空表示未定等次")
    grade_label = serializers.CharField(source="get_grade_display")
    score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    covered_weight = serializers.SerializerMethodField(help_text="得分所依据的权重（满分 100）")
    breakdown = serializers.SerializerMethodField(help_text="指标得分明细")

    def _score(self, obj):
        return self.context["scores"].get((obj.person_id, obj.quarter_id))

    def get_covered_weight(self, obj) -> str | None:
        score = self._score(obj)
        return str(score.covered_weight) if score else None

    def get_breakdown(self, obj) -> list[dict]:
        score = self._score(obj)
        return score.breakdown if score else []


class RewardOut(serializers.Serializer):
    staff_no = serializers.CharField(source="person.staff_no")
    name = serializers.CharField(source="person.name")
    unit = serializers.CharField(source="unit.code")
    kind = serializers.CharField(help_text=str(_("reward 奖励 / punishment 惩处")))
    type = serializers.CharField()
    level = serializers.CharField()
    date = serializers.DateField()
    issuer = serializers.CharField()
    document_no = serializers.CharField()
    reason = serializers.CharField()
