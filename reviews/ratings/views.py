"""Staff pages of peer and public rating (login required, every object through an access
helper that 404s outside the account's reach). The public page is in public_views.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment.selectors import managed_units, unit_for_manager
from assessment.tenancy import scope_for

from . import peer, public, selectors
from .forms import CardForm, CaseForm, HideForm, PeerRoundForm, parse_ballots
from .models import PeerParticipation, PublicCard, PublicRating, RatingCase


def _errors(exc) -> str:
    return " ".join(exc.messages if isinstance(exc, ValidationError) else [str(exc)])


def _add_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError beside the form's fields (or above the form)."""
    if hasattr(exc, "error_dict"):
        for name, errs in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errs)
    else:
        form.add_error(None, _errors(exc))


def _require_manager(request):
    if not managed_units(request.user).exists():
        raise PermissionDenied


# -- peer rating: the rater and the person -------------------------------------------------


@login_required
def peer_home(request):
    if not scope_for(request.user).person_id:
        raise PermissionDenied
    return render(request, "ratings/peer_home.html", {"rows": selectors.my_rounds(request.user)})


@login_required
def peer_vote(request, pk):
    round_ = selectors.round_for_rater(request.user, pk)
    person_id = scope_for(request.user).person_id
    voted = PeerParticipation.objects.filter(round=round_, rater_id=person_id).exists()
    ratees = peer.ratees_for(round_, person_id)
    errors, scores, comments = {}, {}, {}
    if request.method == "POST" and not voted:
        scores, comments = parse_ballots(request.POST, ratees, round_)
        try:
            n = peer.peer_ballots_submit(
                round_=round_, by=request.user, scores=scores, comments=comments
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                errors = {k: v[0].message for k, v in exc.error_dict.items()}
                messages.error(request, _("请检查标红的人员。"))
            else:
                messages.error(request, _errors(exc))
        else:
            messages.success(request, _("已匿名提交对 %(n)s 位同事的评价，谢谢！") % {"n": n})
            return redirect("reviews:peer-home")
    rows = [
        {
            "person": p,
            "error": errors.get(f"p{p.pk}", "") or errors.get(f"c{p.pk}", ""),
            "given": scores.get(p.pk, {}),
            "comment": comments.get(p.pk, ""),
        }
        for p in ratees
    ]
    context = {
        "round": round_,
        "rows": rows,
        "voted": voted,
        "open": round_.accepts_on(timezone.localdate()),
    }
    return render(request, "ratings/peer_vote.html", context)


@login_required
def peer_results(request, pk):
    """The 晾晒 table of a closed round; the person's own row is marked."""
    round_ = selectors.round_for_reader(request.user, pk)
    results = selectors.round_results(round_)
    context = {
        "round": round_,
        "results": results,
        "me": scope_for(request.user).person_id,
        "k": peer.rating_settings(round_.region_id, round_.year).k_min,
    }
    return render(request, "ratings/peer_results.html", context)


@login_required
def peer_mine(request, pk):
    """The person's own result in a closed round, with comments (shown above k only)."""
    round_ = selectors.round_for_reader(request.user, pk)
    person_id = scope_for(request.user).person_id
    if not round_.members.filter(person_id=person_id).exists():
        raise PermissionDenied
    result = selectors.round_results(round_, person_ids=[person_id], comments=True)[0]
    context = {"round": round_, "result": result, "describe": selectors.describe_peer(result)}
    return render(request, "ratings/peer_mine.html", context)


# -- peer rating: the unit admin -----------------------------------------------------------


@login_required
def peer_rounds(request):
    _require_manager(request)
    page = Paginator(selectors.managed_round_list(request.user), 30).get_page(
        request.GET.get("page")
    )
    units = managed_units(request.user).order_by("code")[:100]
    return render(request, "ratings/peer_rounds.html", {"page": page, "units": units})


@login_required
def peer_round_new(request, unit_pk):
    unit = unit_for_manager(request.user, unit_pk)
    form = PeerRoundForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = peer.peer_round_open(
                unit=unit,
                by=request.user,
                year=data["year"],
                quarter=data["quarter"],
                scope=data["scope"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                allow_comment=data["allow_comment"],
                person_ids=[p.pk for p in data["people"]],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("互评已发起。"))
            return redirect("reviews:peer-round", pk=round_.pk)
    return render(request, "ratings/peer_round_new.html", {"unit": unit, "form": form})


@login_required
def peer_round(request, pk):
    round_ = selectors.round_for_manager(request.user, pk)
    voted, eligible = selectors.round_completion(round_)
    context = {"round": round_, "voted": voted, "eligible": eligible}
    return render(request, "ratings/peer_round.html", context)


@login_required
@require_POST
def peer_round_close(request, pk):
    round_ = selectors.round_for_manager(request.user, pk)
    try:
        peer.peer_round_close(round_=round_, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("互评已结束，结果已生成。"))
    return redirect("reviews:peer-round", pk=round_.pk)


# -- public rating: cards, ratings, cases --------------------------------------------------


@login_required
def public_units(request):
    _require_manager(request)
    units = managed_units(request.user).select_related("category").order_by("code")[:200]
    return render(request, "ratings/public_units.html", {"units": units})


@login_required
def public_unit(request, unit_pk):
    unit = unit_for_manager(request.user, unit_pk)
    form = CardForm(request.POST or None, unit=unit)
    if request.method == "POST":
        if request.POST.get("action") == "window":
            n = public.window_cards_ensure(unit=unit, by=request.user)
            messages.success(request, _("已为 %(n)s 人生成二维码。") % {"n": n})
            return redirect("reviews:public-unit", unit_pk=unit.pk)
        if form.is_valid():
            public.card_enable(
                person=form.cleaned_data["person"],
                by=request.user,
                window_no=form.cleaned_data["window_no"],
            )
            messages.success(request, _("二维码已启用。"))
            return redirect("reviews:public-unit", unit_pk=unit.pk)
    cards = PublicCard.objects.filter(unit=unit).select_related("person").order_by("window_no")
    ratings = (
        PublicRating.objects.filter(unit=unit)
        .select_related("person", "case")
        .order_by("-created", "-pk")
    )
    page = Paginator(ratings, 30).get_page(request.GET.get("page"))
    today = timezone.localdate()
    context = {
        "unit": unit,
        "form": form,
        "cards": cards,
        "page": page,
        "hide_form": HideForm(),
        "counts": selectors.unit_public_counts(unit.pk, today.replace(month=1, day=1), today),
    }
    return render(request, "ratings/public_unit.html", context)


@login_required
def public_cards_pdf(request, unit_pk):
    unit = unit_for_manager(request.user, unit_pk)
    from .cards import cards_pdf

    cards = list(
        PublicCard.objects.filter(unit=unit, is_active=True)
        .select_related("person", "unit")
        .order_by("window_no", "person__staff_no")
    )
    base = request.build_absolute_uri("/")
    response = HttpResponse(cards_pdf(cards, base), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="cards-{unit.code}.pdf"'
    return response


@login_required
@require_POST
def public_card_action(request, pk, action):
    card = selectors.card_for_manager(request.user, pk)
    if action == "rotate":
        public.card_rotate(card=card, by=request.user)
        messages.success(request, _("已更换二维码，旧卡片已停用，请重新打印。"))
    elif action == "revoke":
        public.card_revoke(card=card, by=request.user)
        messages.success(request, _("二维码已停用。"))
    elif action == "enable":
        public.card_enable(person=card.person, by=request.user, window_no=card.window_no)
        messages.success(request, _("二维码已重新启用（新二维码）。"))
    else:
        raise Http404
    return redirect("reviews:public-unit", unit_pk=card.unit_id)


@login_required
@require_POST
def public_rating_hide(request, pk):
    rating = selectors.rating_for_manager(request.user, pk)
    form = HideForm(request.POST)
    if form.is_valid():
        public.rating_comment_hide(
            rating=rating, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("评价内容已隐藏（评价仍计数）。"))
    else:
        messages.error(request, _("请填写隐藏原因。"))
    return redirect("reviews:public-unit", unit_pk=rating.unit_id)


@login_required
@require_POST
def public_rating_held(request, pk):
    rating = selectors.rating_for_manager(request.user, pk)
    try:
        public.rating_review_held(
            rating=rating, by=request.user, accept=request.POST.get("accept") == "1"
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("已处理。"))
    return redirect("reviews:public-unit", unit_pk=rating.unit_id)


@login_required
def rating_cases(request):
    _require_manager(request)
    page = Paginator(selectors.cases_managed(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "ratings/cases.html", {"page": page, "today": timezone.localdate()})


@login_required
def rating_case(request, pk):
    case = selectors.case_for_manager(request.user, pk)
    form = CaseForm(request.POST or None)
    if request.method == "POST" and case.status == RatingCase.Status.OPEN and form.is_valid():
        try:
            public.rating_case_close(case=case, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("差评已办结。"))
            return redirect("reviews:rating-cases")
    return render(request, "ratings/case.html", {"case": case, "form": form})
