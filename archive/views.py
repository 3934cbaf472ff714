from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import archive_data, selectors, services
from .forms import ExportForm, current_quarter_code
from .models import ExportJob

COMPLETENESS_ROWS = 300  # rows listed on the page; the count covers everyone


@login_required
def export(request):
    if not selectors.can_export(request.user):
        raise PermissionDenied
    form = ExportForm(
        request.POST or request.GET or None,
        user=request.user,
        initial={"period": current_quarter_code(), "output": ExportJob.Output.LIST},
    )
    incomplete, total = None, 0
    # 检查缺项 posts the export form with check=1 (it once submitted it by GET, which put the
    # CSRF token into the query string and so into logs); a bookmarked GET with the fields
    # still checks
    checking = request.method == "GET" and bool(request.GET) or "check" in request.POST
    if checking and form.is_valid():
        try:
            built = services.build_sheets(
                region=form.cleaned_data["region"],
                unit=form.cleaned_data["unit"],
                sheet=form.cleaned_data["sheet"],
                period=form.cleaned_data["period"],
            )
        except ValidationError as exc:
            form.add_error("period", exc.messages)
        else:
            total = len(built)
            incomplete = [s for s in built if s.missing]
    elif request.method == "POST" and form.is_valid():
        try:
            job = services.export_start(by=request.user, **_job_args(form))
        except ValidationError as exc:
            form.add_error("period", exc.messages)
        else:
            return redirect("archive:export-job", pk=job.pk)
    jobs = selectors.jobs_for_user(request.user)[:20]
    return render(
        request,
        "archive/export.html",
        {
            "form": form,
            "incomplete": incomplete[:COMPLETENESS_ROWS] if incomplete is not None else None,
            "incomplete_count": len(incomplete or []),
            "total": total,
            "jobs": jobs,
        },
    )


def _job_args(form) -> dict:
    data = form.cleaned_data
    return {
        "region": data["region"],
        "unit": data["unit"],
        "sheet": data["sheet"],
        "period": data["period"],
        "output": data["output"],
    }


@login_required
def export_job(request, pk):
    job = selectors.job_for_user(request.user, pk)
    template = "archive/_job_status.html" if request.htmx else "archive/export_job.html"
    return render(request, template, {"job": job})


@login_required
def export_download(request, pk):
    job = selectors.job_for_user(request.user, pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    if job.expires_at and job.expires_at < timezone.now():
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=job.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def export_retry(request, pk):
    job = selectors.job_for_user(request.user, pk)
    try:
        new = services.export_start(
            by=request.user,
            region=job.region,
            unit=job.unit,
            sheet=job.sheet,
            period=job.period,
            output=job.output,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("archive:export-job", pk=job.pk)
    return redirect("archive:export-job", pk=new.pk)


# -- the personal archive --------------------------------------------------------------------


@login_required
def my_archive(request):
    person = getattr(request.user, "person", None)
    if person is None:
        raise PermissionDenied(_("当前账号没有关联人员档案。"))
    return redirect("archive:person", pk=person.pk)


@login_required
def person_archive(request, pk):
    person = selectors.person_for_archive(request.user, pk)
    return render(request, "archive/person.html", archive_data.archive_context(person))


@login_required
def person_sheet(request, pk, period, fmt):
    """One person's quarterly (2026Q3) or annual (2026) sheet as xlsx or PDF."""
    person = selectors.person_for_archive(request.user, pk)
    sheet_kind = ExportJob.Sheet.QUARTERLY if "Q" in period.upper() else ExportJob.Sheet.ANNUAL
    try:
        target = services.parse_period(sheet_kind, period, person.region)
    except ValidationError as exc:
        raise Http404 from exc
    from . import sheets

    if sheet_kind == ExportJob.Sheet.QUARTERLY:
        sheet = sheets.build_quarterly(target, [person])[0]
    else:
        sheet = sheets.build_annual(person.region, target, [person])[0]
    name = f"{person.name}_{sheet.period_code}_{sheet.title}"
    if fmt == "pdf":
        from .render_pdf import sheet_pdf

        data, ctype, ext = sheet_pdf(sheet), "application/pdf", "pdf"
    else:
        from .render_xlsx import sheet_workbook

        data = sheet_workbook(sheet)
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ext = "xlsx"
    response = HttpResponse(data, content_type=ctype)
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, f"{name}.{ext}")
    response["X-Content-Type-Options"] = "nosniff"
    return response
