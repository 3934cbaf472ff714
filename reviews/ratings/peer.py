"""互评/民主测评 actions: open a round, vote (exactly once, anonymously), close, remind.

Nothing here logs, audits or records history of a ballot: a ballot row carries no rater, and no
log line, audit event or history row may say anything about its content or its author."""

from __future__ import annotations

import random
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from assessment.models import Person, Region
from assessment.selectors import can_manage_unit

from ..models import Reminder
from .models import PeerBallot, PeerParticipation, PeerRound, PeerRoundMember, RatingSettings

_shuffle = random.SystemRandom().shuffle


def rating_settings(region: Region | int, year: int) -> RatingSettings:
    """The region's rating rules for a year, created with the defaults on first use."""
    region_id = getattr(region, "pk", region)
    found = RatingSettings.objects.filter(region_id=region_id, year=year).first()
    if found:
        return found
    try:
        with transaction.atomic():
            return RatingSettings.objects.create(region_id=region_id, year=year)
    except IntegrityError:
        return RatingSettings.objects.get(region_id=region_id, year=year)


def _require_manager(by, unit) -> None:
    if not can_manage_unit(by, unit):
        raise PermissionDenied(_("只有本单位考核管理员或区委组织部管理员可以管理互评。"))


@transaction.atomic
def peer_round_open(
    *,
    unit,
    by,
    year: int,
    quarter: int | None,
    scope: str,
    opens_on: date,
    closes_on: date,
    allow_comment: bool = True,
    person_ids: list[int] | None = None,
) -> PeerRound:
    """A unit admin opens a round: the members are fixed now (active people of the unit, or the
    chosen list); nobody ever rates themselves."""
    _require_manager(by, unit)
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("截止日期不能早于开始日期。")})
    people = Person.objects.filter(unit=unit, is_active=True)
    if scope == PeerRound.Scope.LIST:
        chosen = set(person_ids or [])
        people = people.filter(pk__in=chosen)
        if len(chosen) != people.count():
            raise ValidationError({"person_ids": _("所选人员须为本单位在职人员。")})
    members = list(people.values_list("pk", "section_id"))
    if len(members) < 2:
        raise ValidationError(_("参加互评的人员至少需要 2 人。"))
    rules = rating_settings(unit.region_id, year)
    round_ = PeerRound.objects.create(
        region_id=unit.region_id,
        unit=unit,
        year=year,
        quarter=quarter,
        scope=scope,
        dimensions=rules.dimensions,
        levels=rules.levels,
        allow_comment=allow_comment,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=by,
    )
    update_change_reason(round_, _("发起互评"))
    PeerRoundMember.objects.bulk_create(
        PeerRoundMember(round=round_, person_id=pk, section_id_at_open=section_id)
        for pk, section_id in members
    )
    return round_


def ratees_for(round_: PeerRound, rater_id: int) -> list[Person]:
    """Whom the rater rates: the round's members in the rater's section (section scope) or all
    members (unit and list scope), never the rater."""
    members = PeerRoundMember.objects.filter(round=round_)
    if round_.scope == PeerRound.Scope.SECTION:
        mine = members.filter(person_id=rater_id).values_list("section_id_at_open", flat=True)
        section_id = next(iter(mine), None)
        members = members.filter(section_id_at_open=section_id)
    return list(
        Person.objects.filter(pk__in=members.values("person_id"))
        .exclude(pk=rater_id)
        .select_related("section")
        .order_by("section__name", "staff_no")
    )


def _check_ballots(round_: PeerRound, ratees, scores: dict, comments: dict) -> dict:
    dims = [code for code, _label in round_.dimensions]
    levels = {code for code, _label, _points in round_.levels}
    errors = {}
    for person in ratees:
        given = scores.get(person.pk) or {}
        if any(given.get(d) not in levels for d in dims):
            errors[f"p{person.pk}"] = _("请为 %(n)s 的每一项选择等次。") % {"n": person.name}
        if len(comments.get(person.pk, "")) > 300:
            errors[f"c{person.pk}"] = _("评语不能超过 300 字。")
    return errors


@transaction.atomic
def peer_ballots_submit(*, round_: PeerRound, by, scores: dict, comments: dict | None = None):
    """One rater's ballots for every colleague they rate, at most once per round: the member
    row is locked, the participation row is unique, and a second submission is refused."""
    comments = comments or {}
    person = getattr(by, "person", None)
    member = (
        PeerRoundMember.objects.select_for_update()
        .filter(round_id=round_.pk, person_id=getattr(person, "pk", None))
        .first()
    )
    if member is None:
        raise PermissionDenied(_("您不在本轮互评人员中。"))
    round_ = PeerRound.objects.get(pk=round_.pk)
    if not round_.accepts_on(timezone.localdate()):
        raise ValidationError(_("本轮互评不在投票时间内。"))
    if PeerParticipation.objects.filter(round=round_, rater_id=person.pk).exists():
        raise ValidationError(_("您已参加本轮互评，不能重复提交。"))
    ratees = ratees_for(round_, person.pk)
    errors = _check_ballots(round_, ratees, scores, comments)
    if errors:
        raise ValidationError(errors)
    dims = [code for code, _label in round_.dimensions]
    ballots = [
        PeerBallot(
            round=round_,
            ratee_id=p.pk,
            scores={d: scores[p.pk][d] for d in dims},
            comment=(comments.get(p.pk, "").strip() if round_.allow_comment else ""),
        )
        for p in ratees
    ]
    _shuffle(ballots)  # the insertion order says nothing about whom the rater rated first
    PeerParticipation.objects.create(round=round_, rater_id=person.pk)
    PeerBallot.objects.bulk_create(ballots)
    return len(ballots)


@transaction.atomic
def peer_round_close(*, round_: PeerRound, by) -> PeerRound:
    """Close the round: results become visible (k-threshold permitting) and the 同事互评
    indicator of the round's quarter is recomputed for its members."""
    round_ = PeerRound.objects.select_for_update().select_related("unit").get(pk=round_.pk)
    _require_manager(by, round_.unit)
    if not round_.is_open:
        raise ValidationError(_("本轮互评已结束。"))
    round_.status = PeerRound.Status.CLOSED
    round_.closed_at = timezone.now()
    round_.save(update_fields=["status", "closed_at"])
    update_change_reason(round_, _("结束互评"))
    _scores_changed(round_)
    return round_


def _scores_changed(round_: PeerRound) -> None:
    if not round_.quarter:
        return  # the annual 民主测评 feeds the year-end appraisal, not a quarter's score
    from assessment.periods import quarter_for
    from indicators.services import score_inputs_changed

    quarter = quarter_for(round_.region, round_.year, round_.quarter)
    ids = list(round_.members.values_list("person_id", flat=True))
    score_inputs_changed(quarter=quarter, person_ids=ids, reason=_("互评结束"))


def peer_round_reminders(*, today: date | None = None) -> int:
    """While a round is open, remind each member who has not voted (once per round and day:
    the key holds the date)."""
    today = today or timezone.localdate()
    rounds = PeerRound.objects.filter(
        status=PeerRound.Status.OPEN, opens_on__lte=today, closes_on__gte=today
    )
    rows = []
    for round_ in rounds.select_related("unit"):
        voted = PeerParticipation.objects.filter(round=round_).values("rater_id")
        users = (
            PeerRoundMember.objects.filter(round=round_, person__user__isnull=False)
            .exclude(person_id__in=voted)
            .values_list("person__user_id", flat=True)
        )
        text = _("%(u)s %(p)s 互评进行中，请在 %(d)s 前完成。") % {
            "u": round_.unit.name,
            "p": round_.period_label,
            "d": round_.closes_on,
        }
        rows += [
            Reminder(
                region_id=round_.region_id,
                user_id=uid,
                text=text,
                link=f"/reviews/peer/{round_.pk}/vote/",
                key=f"peer:{round_.pk}:{today}",
            )
            for uid in users
        ]
    return len(Reminder.objects.bulk_create(rows, ignore_conflicts=True))


def peer_rounds_close_due(*, today: date | None = None) -> int:
    """Daily: rounds past their closing date close by themselves (idempotent)."""
    today = today or timezone.localdate()
    closed = 0
    for pk in PeerRound.objects.filter(
        status=PeerRound.Status.OPEN, closes_on__lt=today
    ).values_list("pk", flat=True):
        with transaction.atomic():
            round_ = PeerRound.objects.select_for_update().get(pk=pk)
            if not round_.is_open:
                continue
            round_.status, round_.closed_at = PeerRound.Status.CLOSED, timezone.now()
            round_.save(update_fields=["status", "closed_at"])
            update_change_reason(round_, _("互评到期自动结束"))
            _scores_changed(round_)
            closed += 1
    return closed
