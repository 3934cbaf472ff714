"""The endpoints under /api/v1/: each is scoped to the calling client's region."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from assessment.models import Person, QuarterlyAssessment, Unit
from assessment.roster import services as roster
from assessment.roster.importer import HEADERS as ROSTER_HEADERS
from assessment.tables import ImportFileError
from indicators import imports
from indicators import services as indicator_services
from indicators.models import ImportBatch, QuarterScore
from reviews.models import ReviewState
from rewards.models import RewardRecord

from . import serializers as s
from .base import PROBLEM, ClientView, RowErrors, idempotent
from .models import Scope

IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="每个请求唯一；重试时带同一值，不会重复写入",
)
PROBLEMS = {(code, PROBLEM): s.ProblemOut for code in (400, 401, 403, 404, 429)}
WRITE_PROBLEMS = PROBLEMS | {(422, PROBLEM): s.ProblemOut}


def ok(serializer, problems=PROBLEMS) -> dict:
    return {200: serializer, **problems}


PUBLISHED = (ReviewState.PUBLICISED, ReviewState.CONFIRMED, ReviewState.APPEALED)


class Page(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


def _table(items: list[dict], headers: dict[str, tuple[str, ...]]) -> list[tuple[int, list]]:
    """An API payload laid out as the sheet the import rules read: header row, then one row per
    item (row n is item n - 2). A field one item lacks is read as empty."""
    keys = sorted({k for item in items for k in item}, key=list(headers).index)
    table = [(1, [headers[k][0] for k in keys])]
    table += [(i + 2, [item.get(k) for k in keys]) for i, item in enumerate(items)]
    return table


def _item_errors(errors: list[dict]) -> list[dict]:
    return [{"item": e["row"] - 2, "errors": e["errors"]} for e in errors]


class ListView(ClientView):
    pagination_class = Page

    def page(self, queryset, serializer, **context):
        paginator = self.pagination_class()
        rows = paginator.paginate_queryset(queryset, self.request, view=self)
        self.rows = len(rows)
        data = serializer(rows, many=True, context=context).data
        return paginator.get_paginated_response(data)

    def query(self, serializer):
        query = serializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return query.validated_data

    def unit_filter(self, queryset, code: str | None):
        return queryset.filter(unit__code=code) if code else queryset


class UnitList(ListView):
    """The region's units (codes are what the roster and filters use)."""

    required_scope = Scope.ROSTER_READ

    @extend_schema(responses=ok(s.UnitOut(many=True)), summary="本区单位")
    def get(self, request):
        units = Unit.objects.filter(region=self.client.region).select_related("category")
        return self.page(units.order_by("code"), s.UnitOut)


class PersonList(ListView):
    """The region's people, active and inactive, optionally of one unit."""

    required_scope = Scope.ROSTER_READ

    @extend_schema(
        parameters=[s.UnitQuery], responses=ok(s.PersonOut(many=True)), summary="本区人员"
    )
    def get(self, request):
        query = self.query(s.UnitQuery)
        people = Person.objects.filter(region=self.client.region).select_related("unit", "section")
        people = self.unit_filter(people, query.get("unit"))
        return self.page(people.order_by("staff_no"), s.PersonOut)


class RosterSync(ClientView):
    """Bulk upsert of people by 工号, with the roster import's rules."""

    required_scope = Scope.ROSTER_WRITE

    @extend_schema(
        request=s.RosterSyncIn,
        responses=ok(s.RosterSyncOut, WRITE_PROBLEMS),
        parameters=[IDEMPOTENCY],
        summary="同步人员名册（按工号新建或更新，全部成功或全部不保存）",
    )
    def post(self, request):
        return idempotent(request, self.client, self._sync)

    def _sync(self):
        payload = s.RosterSyncIn(data=self.request.data)
        payload.is_valid(raise_exception=True)
        people = payload.validated_data["people"]
        try:
            checked = roster.check_table(
                region=self.client.region,
                unit=None,
                table=_table(people, ROSTER_HEADERS),
                create_sections=payload.validated_data["create_sections"],
            )
        except ImportFileError as exc:
            raise RowErrors([], str(exc)) from exc
        if checked.errors:
            raise RowErrors(_item_errors(checked.errors))
        with transaction.atomic():
            result = roster.apply_rows(
                region=self.client.region,
                unit=None,
                rows=checked.rows,
                by=None,
                history_reason=_("接口同步：%(client)s") % {"client": self.client.name},
            )
        self.rows = len(people)
        return Response(
            {k: getattr(result, k) for k in ("created", "updated", "unchanged", "sections")}
        )


class RecordImport(ClientView):
    """Attendance or negative records through the same rules as the sheet imports."""

    kind = ""
    payload = None
    field = "records"

    def post(self, request):
        return idempotent(request, self.client, self._import)

    def _import(self):
        payload = self.payload(data=self.request.data)
        payload.is_valid(raise_exception=True)
        records = payload.validated_data[self.field]
        try:
            batch = indicator_services.import_table(
                kind=self.kind,
                region=self.client.region,
                name=_("接口：%(client)s") % {"client": self.client.name},
                table=_table(records, imports.HEADERS),
                by=self.client.created_by,  # 录入人: the admin who registered the system
                people=Person.objects.filter(region=self.client.region),
            )
        except ImportFileError as exc:
            raise RowErrors([], str(exc)) from exc
        if batch.errors:
            raise RowErrors(_item_errors(batch.errors))
        count = indicator_services.import_apply(batch=batch, by=None)
        self.rows = count
        return Response({"imported": count})


class AttendanceImport(RecordImport):
    """Attendance records, all or none."""

    required_scope = Scope.ATTENDANCE_WRITE
    kind = ImportBatch.Kind.ATTENDANCE
    payload = s.AttendanceBatchIn

    @extend_schema(
        request=s.AttendanceBatchIn,
        responses=ok(s.ImportedOut, WRITE_PROBLEMS),
        parameters=[IDEMPOTENCY],
        summary="写入考勤记录",
    )
    def post(self, request):
        return super().post(request)


class NegativeImport(RecordImport):
    """Negative records from 纪检/政法/公安/信访 systems, all or none."""

    required_scope = Scope.NEGATIVE_WRITE
    kind = ImportBatch.Kind.NEGATIVE
    payload = s.NegativeBatchIn

    @extend_schema(
        request=s.NegativeBatchIn,
        responses=ok(s.ImportedOut, WRITE_PROBLEMS),
        parameters=[IDEMPOTENCY],
        summary="写入负面信息（纪检、政法、公安、信访等系统；来源与文号必填）",
    )
    def post(self, request):
        return super().post(request)


class QuarterResults(ListView):
    """Quarterly grades and scores of the region, once publicised."""

    required_scope = Scope.RESULTS_READ

    @extend_schema(
        parameters=[s.PeriodQuery],
        responses=ok(s.QuarterResultOut(many=True)),
        summary="季度考核结果（公示后），含得分明细",
    )
    def get(self, request):
        query = self.query(s.PeriodQuery)
        records = QuarterlyAssessment.objects.filter(
            region=self.client.region, quarter__year__year=query["year"], status__in=PUBLISHED
        ).select_related("person", "unit", "quarter__year")
        if "quarter" in query:
            records = records.filter(quarter__number=query["quarter"])
        records = self.unit_filter(records, query.get("unit"))
        paginator = self.pagination_class()
        rows = paginator.paginate_queryset(
            records.order_by("quarter__number", "person__staff_no"), request, view=self
        )
        scores = {
            (sc.person_id, sc.quarter_id): sc
            for sc in QuarterScore.objects.filter(
                person_id__in=[r.person_id for r in rows],
                quarter_id__in={r.quarter_id for r in rows},
            )
        }
        self.rows = len(rows)
        data = s.QuarterResultOut(rows, many=True, context={"scores": scores}).data
        return paginator.get_paginated_response(data)


class RewardList(ListView):
    """Reward and punishment records of the region for a year (or quarter)."""

    required_scope = Scope.RESULTS_READ

    @extend_schema(
        parameters=[s.PeriodQuery], responses=ok(s.RewardOut(many=True)), summary="奖惩记录"
    )
    def get(self, request):
        query = self.query(s.PeriodQuery)
        records = RewardRecord.objects.filter(
            region=self.client.region, date__year=query["year"]
        ).select_related("person", "unit")
        if "quarter" in query:
            months = range(query["quarter"] * 3 - 2, query["quarter"] * 3 + 1)
            records = records.filter(date__month__in=months)
        records = self.unit_filter(records, query.get("unit"))
        return self.page(records.order_by("date", "pk"), s.RewardOut)
