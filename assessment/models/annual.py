"""Year-end appraisal (年底评鉴 / 年度考核): one record per participant and year, the annual
registration sheet's content. Levels 1–2 of the review engine comment and propose; the unit
head or an authorised 考核委员会 decides (the district admin for leadership members); then the
written notice, 本人意见, and 复核/申诉 (AnnualContest)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reviews.models import Reviewable

from .org import Person, Region, Section, Unit
from .periods import AssessmentYear
from .quarterly import Opinion
from .work import PersonOwnedQuerySet


class AnnualGrade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASICALLY_COMPETENT = "basically_competent", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")
    # seconded 事业 staff (事业单位工作人员考核的等次)
    QUALIFIED = "qualified", _("合格")
    BASICALLY_QUALIFIED = "basically_qualified", _("基本合格")
    UNQUALIFIED = "unqualified", _("不合格")


CIVIL_SERVANT_GRADES = (
    AnnualGrade.EXCELLENT,
    AnnualGrade.COMPETENT,
    AnnualGrade.BASICALLY_COMPETENT,
    AnnualGrade.INCOMPETENT,
)
SECONDED_GRADES = (
    AnnualGrade.EXCELLENT,
    AnnualGrade.QUALIFIED,
    AnnualGrade.BASICALLY_QUALIFIED,
    AnnualGrade.UNQUALIFIED,
)
# how bad a grade is, for "the outcome of 复核/申诉 may not be worse than the original"
GRADE_RANK = {
    AnnualGrade.EXCELLENT: 0,
    AnnualGrade.COMPETENT: 1,
    AnnualGrade.QUALIFIED: 1,
    AnnualGrade.BASICALLY_COMPETENT: 2,
    AnnualGrade.BASICALLY_QUALIFIED: 2,
    AnnualGrade.INCOMPETENT: 3,
    AnnualGrade.UNQUALIFIED: 3,
}


class OutcomeCode(models.TextChoices):
    """考核结论代码: a coded outcome instead of a grade."""

    PROBATION = "5A", _("不定等次：新录用人员试用期内（5A）")
    INVESTIGATION = "5B", _("不定等次：立案审查调查尚未结案（5B）")
    DISCIPLINE = "5C", _("不定等次：处分影响期内（5C）")
    LEAVE = "6A", _("不进行考核：病、事假累计超过半年（6A）")


class DecidingBody(models.TextChoices):
    UNIT_HEAD = "unit_head", _("机关负责人")
    COMMITTEE = "committee", _("考核委员会")
    DISTRICT = "district", _("区委组织部（主管机关）")


class UnitYear(models.Model):
    """单位年度: a unit's year-end settings (its 优秀 rate, set by the district admin with a
    reason) and the row the decide transaction locks before counting the 优秀 granted."""

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.CASCADE)
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE)
    year = models.ForeignKey(AssessmentYear, verbose_name=_("年度"), on_delete=models.CASCADE)
    excellent_percent = models.PositiveSmallIntegerField(
        _("本单位优秀比例（%）"), null=True, blank=True, help_text=_("留空则按全区默认比例。")
    )
    rate_reason = models.TextField(_("比例调整理由"), blank=True)
    rate_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("比例设置人"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("单位年度")
        verbose_name_plural = _("单位年度")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="unityear_once")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year.year}"


class AnnualAssessment(Reviewable):
    """年度考核登记: the person's year — summary, proposal, decision, notice, 本人意见."""

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.CASCADE)
    year = models.ForeignKey(
        AssessmentYear, verbose_name=_("年度"), related_name="annual", on_delete=models.CASCADE
    )
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), related_name="annual", on_delete=models.CASCADE
    )
    # the population is frozen when the year is opened; a later run notes movements
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT)
    section = models.ForeignKey(
        Section, verbose_name=_("组室"), null=True, blank=True, on_delete=models.SET_NULL
    )
    person_kind = models.CharField(_("人员身份"), max_length=20, choices=Person.Kind)
    is_leadership_member = models.BooleanField(_("领导班子成员"), default=False)
    participates = models.BooleanField(_("参加考核"), default=True)
    movement_note = models.CharField(_("调动/入职/离职情况"), max_length=200, blank=True)
    outcome_code = models.CharField(
        _("考核结论代码"), max_length=2, choices=OutcomeCode, blank=True
    )
    outcome_reason = models.TextField(_("不定等次或不进行考核情况说明"), blank=True)
    outcome_overridden = models.BooleanField(_("结论代码经人工调整"), default=False)
    summary = models.TextField(_("个人总结"), blank=True)
    training = models.TextField(_("参加脱产培训情况"), blank=True)
    proposed_grade = models.CharField(
        _("考核等次建议"), max_length=20, choices=AnnualGrade, blank=True
    )
    leader_comment = models.TextField(_("主管领导评语"), blank=True)
    grade = models.CharField(_("考核等次"), max_length=20, choices=AnnualGrade, blank=True)
    deciding_body = models.CharField(_("审定机关"), max_length=20, choices=DecidingBody, blank=True)
    committee_members = models.CharField(_("考核委员会成员"), max_length=300, blank=True)
    decision_comment = models.TextField(_("机关负责人或考核委员会意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审定人"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    decided_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    notice_date = models.DateField(_("书面通知日期"), null=True, blank=True)
    opinion = models.CharField(_("本人意见"), max_length=10, choices=Opinion, blank=True)
    opinion_reason = models.TextField(_("不同意的理由"), blank=True)
    opinion_at = models.DateTimeField(_("本人意见时间"), null=True, blank=True)
    pending_since = models.DateTimeField(_("到达当前审核级别时间"), null=True, blank=True)
    history = HistoricalRecords()

    objects = PersonOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        constraints = [
            models.UniqueConstraint(fields=["year", "person"], name="annual_once"),
            models.CheckConstraint(
                condition=Q(grade="") | Q(outcome_code=""), name="annual_grade_or_code"
            ),
        ]
        indexes = [models.Index(fields=["year", "unit", "status"])]

    def __str__(self) -> str:
        return f"{self.person} {self.year.year}"

    @property
    def grade_choices(self) -> tuple:
        return SECONDED_GRADES if self.person_kind == Person.Kind.SECONDED else CIVIL_SERVANT_GRADES

    @property
    def result_label(self) -> str:
        if self.outcome_code:
            return str(OutcomeCode(self.outcome_code).label)
        return self.get_grade_display() if self.grade else ""


class AnnualContest(models.Model):
    """复核/申诉: the person contests the annual result [法 Art. 95–96]. 复核 is decided by the
    organ that decided; 申诉 by the district admin as the 公务员主管部门."""

    class Stage(models.TextChoices):
        REEXAMINATION = "reexam", _("复核")
        APPEAL = "appeal", _("申诉")

    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        UPHELD = "upheld", _("维持原等次")
        CHANGED = "changed", _("变更等次")

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.CASCADE)
    assessment = models.ForeignKey(
        AnnualAssessment,
        verbose_name=_("年度考核"),
        related_name="contests",
        on_delete=models.CASCADE,
    )
    stage = models.CharField(_("阶段"), max_length=10, choices=Stage)
    reason = models.TextField(_("理由"))
    filed_on = models.DateField(_("提出日期"))
    due = models.DateField(_("办结期限"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    original_grade = models.CharField(_("原等次"), max_length=20, choices=AnnualGrade)
    new_grade = models.CharField(_("结果等次"), max_length=20, choices=AnnualGrade, blank=True)
    outcome_reason = models.TextField(_("处理意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    decided_on = models.DateField(_("处理日期"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度考核复核申诉")
        verbose_name_plural = _("年度考核复核申诉")
        ordering = ["filed_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "stage"], name="annualcontest_once_per_stage"
            ),
            models.UniqueConstraint(
                fields=["assessment"],
                condition=Q(status="pending"),
                name="annualcontest_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.get_stage_display()}"
