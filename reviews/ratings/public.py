"""群众点评 actions: QR cards (signed, revocable, rotating tokens), the public submission with
its abuse checks, moderation, the 差评 cases and the purge of address hashes.

Every refusal returns an `Outcome` the public view renders as a friendly Chinese page."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.calendar import add_working_days
from assessment.models import Person
from assessment.selectors import can_manage_unit

from .models import BAD_LEVELS, PublicCard, PublicRating, RatingCase, RatingSettings
from .peer import rating_settings

TOKEN_SALT = "reviews.ratings.card"
FORM_SALT = "reviews.ratings.form"
FORM_MAX_AGE = 2 * 3600  # a form left open longer is refused ("页面已过期")
PHONE = re.compile(r"^1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$")


def keyed_hash(kind: str, value: str) -> str:
    """A keyed (salted) hash: without the server's key the value cannot be recovered by
    hashing every IPv4 address or phone number."""
    key = hashlib.sha256(f"{settings.SECRET_KEY}:{kind}".encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:40]


def mask_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else "****"


# -- cards ---------------------------------------------------------------------------------


def card_token(card: PublicCard) -> str:
    return signing.Signer(salt=TOKEN_SALT).sign(f"{card.pk}-{card.nonce}")


def card_from_token(token: str) -> tuple[PublicCard | None, str]:
    """(card, "ok") for a live token; (None, "invalid") for a forged one; (card or None,
    "inactive") for a revoked card or an old token of a rotated one."""
    try:
        value = signing.Signer(salt=TOKEN_SALT).unsign(token)
        pk, nonce = value.split("-", 1)
        pk = int(pk)
    except (signing.BadSignature, ValueError):
        return None, "invalid"
    card = (
        PublicCard.objects.select_related("person", "unit", "region")
        .filter(pk=pk)
        .only(
            "pk",
            "nonce",
            "is_active",
            "window_no",
            "region_id",
            "unit_id",
            "person_id",
            "person__name",
            "person__is_active",
            "unit__name",
            "region__name",
        )
        .first()
    )
    if card is None or not card.is_active or card.nonce != nonce or not card.person.is_active:
        return None, "inactive"
    return card, "ok"


def _require_manager(by, unit) -> None:
    if not can_manage_unit(by, unit):
        raise PermissionDenied(_("只有本单位考核管理员或区委组织部管理员可以管理二维码。"))


@transaction.atomic
def card_enable(*, person: Person, by, window_no: str = "") -> PublicCard:
    """Give a person a card, or re-enable one with a fresh token (old prints stay dead)."""
    _require_manager(by, person.unit)
    card = PublicCard.objects.select_for_update().filter(person=person).first()
    if card is None:
        card = PublicCard(region_id=person.region_id, unit_id=person.unit_id, person=person)
    card.unit_id = person.unit_id
    card.window_no = window_no.strip()[:20]
    card.nonce = secrets.token_urlsafe(12)
    card.is_active = True
    card.changed_at = timezone.now()
    card._change_reason = _("启用群众点评二维码")
    card.save()
    return card


def _card_change(card: PublicCard, by, reason: str, **changes) -> PublicCard:
    with transaction.atomic():
        card = PublicCard.objects.select_for_update().select_related("unit").get(pk=card.pk)
        _require_manager(by, card.unit)
        for name, value in changes.items():
            setattr(card, name, value)
        card.changed_at = timezone.now()
        card._change_reason = reason
        card.save()
    return card


def card_rotate(*, card: PublicCard, by) -> PublicCard:
    """A new token: every printed copy of the old card answers 已停用."""
    return _card_change(card, by, _("更换二维码"), nonce=secrets.token_urlsafe(12))


def card_revoke(*, card: PublicCard, by) -> PublicCard:
    return _card_change(card, by, _("停用群众点评二维码"), is_active=False)


def window_cards_ensure(*, unit, by) -> int:
    """Cards for every active person of a 窗口服务 unit that has none yet."""
    _require_manager(by, unit)
    have = PublicCard.objects.filter(unit=unit).values("person_id")
    made = 0
    for person in Person.objects.filter(unit=unit, is_active=True).exclude(pk__in=have):
        card_enable(person=person, by=by)
        made += 1
    return made


# -- the public submission -----------------------------------------------------------------


def form_stamp(card: PublicCard, device: str) -> str:
    """Signed into the form on GET: the card, the device and the time the page was served."""
    return signing.dumps([card.pk, keyed_hash("device", device)[:16], time.time()], salt=FORM_SALT)


@dataclass
class Outcome:
    kind: str  # "ok", "held" (counted after review) or "refused"
    message: str = ""


def _refused(message: str) -> Outcome:
    return Outcome("refused", message)


def _check_stamp(
    stamp: str, card: PublicCard, device: str, rules: RatingSettings
) -> Outcome | None:
    try:
        card_id, device_tag, started = signing.loads(stamp, salt=FORM_SALT, max_age=FORM_MAX_AGE)
    except signing.SignatureExpired:
        return _refused(_("页面停留时间过长，请重新扫码评价。"))
    except (signing.BadSignature, ValueError, TypeError):
        return _refused(_("页面已失效，请重新扫码评价。"))
    if card_id != card.pk or device_tag != keyed_hash("device", device)[:16]:
        return _refused(_("页面已失效，请重新扫码评价。"))
    if time.time() - float(started) < rules.min_fill_seconds:
        return _refused(_("提交太快了，请确认评价内容后再提交。"))
    return None


def public_rating_submit(
    *, card: PublicCard, data: dict, address: str, device: str, stamp: str, honeypot: str = ""
) -> Outcome:
    """Store one public rating after the abuse checks; open a 差评 case for the unit."""
    now = timezone.now()
    today = timezone.localdate(now)
    rules = rating_settings(card.region_id, today.year)
    if honeypot:
        return Outcome("ok")  # a bot filled the hidden field: thank it, store nothing
    if not device:
        return _refused(_("请允许浏览器保存 Cookie 后重新扫码评价。"))
    refusal = _check_stamp(stamp, card, device, rules)
    if refusal:
        return refusal
    address_hash, device_hash = keyed_hash("address", address), keyed_hash("device", device)
    with transaction.atomic():
        # one person's ratings go one at a time: the device and burst counts below stay exact
        PublicCard.objects.select_for_update().filter(pk=card.pk).values_list("pk").first()
        # the three limits in one round trip (PostgreSQL ORs the three indexes)
        by_address = Q(
            address_hash=address_hash,
            created__gte=now - timedelta(minutes=rules.address_window_minutes),
        )
        by_device = Q(device_hash=device_hash, person_id=card.person_id, day=today)
        by_person = Q(
            person_id=card.person_id, created__gte=now - timedelta(minutes=rules.burst_minutes)
        )
        counts = PublicRating.objects.filter(by_address | by_device | by_person).aggregate(
            address=Count("pk", filter=by_address),
            device=Count("pk", filter=by_device),
            burst=Count("pk", filter=by_person),
        )
        if counts["address"] >= rules.address_limit:
            return _refused(_("您所在网络提交的评价过于频繁，请稍后再试。"))
        if counts["device"] >= rules.device_daily_limit:
            return _refused(_("您今天已经评价过这位工作人员，感谢您的参与！"))
        held = counts["burst"] >= rules.burst_count
        status = PublicRating.Status.HELD if held else PublicRating.Status.COUNTED
        phone = data.get("phone", "")
        bad = data["level"] in BAD_LEVELS
        rating = PublicRating.objects.create(
            region_id=card.region_id,
            unit_id=card.unit_id,
            person_id=card.person_id,
            created=now,
            day=today,
            level=data["level"],
            efficiency=data.get("efficiency"),
            skill=data.get("skill"),
            attitude=data.get("attitude"),
            tags=list(data.get("tags") or []) if bad else [],
            comment=data.get("comment", ""),
            phone_masked=mask_phone(phone) if phone else "",
            phone_hash=keyed_hash("phone", phone) if phone else "",
            address_hash=address_hash,
            device_hash=device_hash,
            status=status,
        )
        if bad:
            RatingCase.objects.create(
                region_id=card.region_id,
                unit_id=card.unit_id,
                rating=rating,
                due=add_working_days(card.region_id, today, rules.case_working_days),
            )
    return Outcome("held" if status == PublicRating.Status.HELD else "ok")


# -- moderation ----------------------------------------------------------------------------


@transaction.atomic
def rating_comment_hide(*, rating: PublicRating, by, reason: str) -> PublicRating:
    """Hide a comment with a reason; the rating itself still counts."""
    rating = PublicRating.objects.select_for_update().select_related("unit").get(pk=rating.pk)
    _require_manager(by, rating.unit)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写隐藏原因。")})
    rating.comment_hidden_reason = reason.strip()[:200]
    rating.comment_hidden_by = by
    rating._change_reason = _("隐藏评价内容：%(r)s") % {"r": rating.comment_hidden_reason}
    rating.save()
    return rating


@transaction.atomic
def rating_review_held(*, rating: PublicRating, by, accept: bool) -> PublicRating:
    """The unit admin decides a held (burst) rating: counted, or rejected (kept on file)."""
    rating = PublicRating.objects.select_for_update().select_related("unit").get(pk=rating.pk)
    _require_manager(by, rating.unit)
    if rating.status != PublicRating.Status.HELD:
        raise ValidationError(_("该评价不在待审核状态。"))
    rating.status = PublicRating.Status.COUNTED if accept else PublicRating.Status.REJECTED
    rating._change_reason = _("集中评价审核：计入") if accept else _("集中评价审核：不计入")
    rating.save()
    _public_scores_changed(rating)
    return rating


def _public_scores_changed(rating: PublicRating) -> None:
    from indicators.services import score_inputs_changed_on

    score_inputs_changed_on(
        region=rating.region,
        day=rating.day,
        person_ids=[rating.person_id],
        reason=_("群众评价变化"),
    )


# -- 差评 cases ------------------------------------------------------------------------------


@transaction.atomic
def rating_case_close(
    *, case: RatingCase, by, verified: bool, rectification: str, return_call: str = ""
) -> RatingCase:
    """Record the verification, rectification and answer; a rating found unfounded no longer
    counts against the person (unit-level counts keep it)."""
    case = (
        RatingCase.objects.select_for_update()
        .select_related("unit", "rating__region")
        .get(pk=case.pk)
    )
    _require_manager(by, case.unit)
    if case.status != RatingCase.Status.OPEN:
        raise ValidationError(_("该差评已办结。"))
    errors = {}
    if not rectification.strip():
        errors["rectification"] = _("请填写核实与整改情况。")
    if case.rating.phone_masked and not return_call.strip():
        errors["return_call"] = _("评价人留有电话，请填写回访情况。")
    if errors:
        raise ValidationError(errors)
    case.status = RatingCase.Status.VERIFIED if verified else RatingCase.Status.UNFOUNDED
    case.rectification, case.return_call = rectification.strip(), return_call.strip()
    case.handled_by, case.closed_at = by, timezone.now()
    case._change_reason = _("差评办结：%(s)s") % {"s": case.get_status_display()}
    case.save()
    _public_scores_changed(case.rating)
    return case


def overdue_case_reminders(*, today=None) -> int:
    """Open 差评 cases past their deadline remind the unit's assessment admins, once a case."""
    from assessment.models import Membership, Role

    from ..models import Reminder

    today = today or timezone.localdate()
    rows = RatingCase.objects.filter(status=RatingCase.Status.OPEN, due__lt=today)
    admins: dict[int, list[int]] = {}
    out = []
    for case in rows.select_related("rating__person"):
        if case.unit_id not in admins:
            admins[case.unit_id] = list(
                Membership.objects.current(today)
                .filter(unit_id=case.unit_id, role=Role.UNIT_ADMIN)
                .values_list("user_id", flat=True)
            )
        text = _("群众差评（%(n)s）已超过办结期限 %(d)s，请尽快核实处理。") % {
            "n": case.rating.person.name,
            "d": case.due,
        }
        out += [
            Reminder(
                region_id=case.region_id,
                user_id=uid,
                text=text,
                link=f"/reviews/public/cases/{case.pk}/",
                key=f"rating-case:{case.pk}",
            )
            for uid in admins[case.unit_id]
        ]
    return len(Reminder.objects.bulk_create(out, ignore_conflicts=True))


def address_hashes_purge(*, now=None) -> int:
    """Blank client-address hashes older than each region's retention (default 30 days)."""
    now = now or timezone.now()
    purged = 0
    for region_id, year, days in RatingSettings.objects.values_list(
        "region_id", "year", "address_retention_days"
    ):
        purged += (
            PublicRating.objects.filter(region_id=region_id, day__year=year)
            .exclude(address_hash="")
            .filter(created__lt=now - timedelta(days=days))
            .update(address_hash="")  # not a history-tracked field (excluded)
        )
    # ratings of a region/year with no settings row use the default retention
    purged += (
        PublicRating.objects.exclude(address_hash="")
        .filter(
            created__lt=now
            - timedelta(days=RatingSettings._meta.get_field("address_retention_days").default)
        )
        .exclude(
            region_id__in=RatingSettings.objects.values("region_id"),
        )
        .update(address_hash="")
    )
    return purged


def public_scores_recompute_day(*, day=None) -> int:
    """Recompute 群众满意度 of everyone rated on `day` (default yesterday), once a day rather
    than on every public POST (the endpoint must stay cheap)."""
    from assessment.models import Region
    from indicators.services import score_inputs_changed_on

    day = day or timezone.localdate() - timedelta(days=1)
    rows = PublicRating.objects.filter(day=day).values_list("region_id", "person_id").distinct()
    people: dict[int, set[int]] = {}
    for region_id, person_id in rows:
        people.setdefault(region_id, set()).add(person_id)
    with transaction.atomic():
        for region in Region.objects.filter(pk__in=list(people)):
            score_inputs_changed_on(
                region=region, day=day, person_ids=people[region.pk], reason=_("群众评价日汇总")
            )
    return sum(len(ids) for ids in people.values())
