"""System reminders (DOMAIN.md "Reminders"): reviews pending past their per-level deadline
(to the reviewer, then escalated to the unit's assessment admin), self-summaries not submitted
by the filing deadline. In-app always; by email too when EMAIL_HOST is configured. Idempotent:
each fact reminds once (Reminder.key)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.calendar import WorkingCalendar
from assessment.models import Membership, QuarterlyAssessment, Role

from .models import Reminder, ReviewState


def _send(reminders: list[Reminder]) -> int:
    created = 0
    for reminder in reminders:
        obj, was_new = Reminder.objects.get_or_create(
            user_id=reminder.user_id,
            key=reminder.key,
            defaults={
                "region_id": reminder.region_id,
                "text": reminder.text,
                "link": reminder.link,
            },
        )
        if was_new:
            created += 1
            _email(obj)
    return created


def _email(reminder: Reminder) -> None:
    if not getattr(settings, "EMAIL_HOST", "") or settings.EMAIL_HOST == "localhost":
        return
    from outbox.services import dispatch

    from .tasks import email_reminder

    dispatch(email_reminder, reminder.pk)


def reminder_email(*, reminder_id: int) -> bool:
    """Mail one reminder to its account, once: the row is locked and stamped in the same
    transaction, so a second run (a redelivered task) sends nothing. True when sent."""
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update()
            .select_related("user")
            .filter(pk=reminder_id, emailed_at__isnull=True)
            .first()
        )
        if reminder is None or not reminder.user.email:
            return False
        send_mail(_("平时考核提醒"), reminder.text, None, [reminder.user.email])
        reminder.emailed_at = timezone.now()
        reminder.save(update_fields=["emailed_at"])
    return True


def overdue_review_reminders(*, today: date | None = None) -> int:
    today = today or timezone.localdate()
    rows = (
        QuarterlyAssessment.objects.filter(
            status=ReviewState.IN_REVIEW, pending_since__isnull=False
        )
        .select_related("person", "quarter__year")
        .only(
            "pk",
            "region_id",
            "unit_id",
            "pending_level",
            "pending_user_id",
            "pending_since",
            "person__name",
            "quarter__number",
            "quarter__year__year",
            "quarter__year__review_working_days",
        )
    )
    out: list[Reminder] = []
    admins: dict[int, list[int]] = {}
    calendars: dict[int, WorkingCalendar] = {}
    for qa in rows:
        cal = calendars.setdefault(qa.region_id, WorkingCalendar(qa.region_id))
        days = qa.quarter.year.review_working_days
        arrived = timezone.localtime(qa.pending_since).date()
        deadline = cal.add(arrived, days)
        if today <= deadline:
            continue
        link = f"/reviews/q/{qa.pk}/"
        facts = {"name": qa.person.name, "q": qa.quarter.code, "d": deadline}
        if qa.pending_user_id:
            out.append(
                Reminder(
                    region_id=qa.region_id,
                    user_id=qa.pending_user_id,
                    text=_("%(name)s 的 %(q)s 季度考核待您审核，已超过审核期限（%(d)s）。") % facts,
                    link=link,
                    key=f"qa-overdue:{qa.pk}:{qa.pending_level}:{arrived}",
                )
            )
        if today > cal.add(deadline, days):  # overdue twice over: escalate
            if qa.unit_id not in admins:
                admins[qa.unit_id] = list(
                    Membership.objects.current(today)
                    .filter(unit_id=qa.unit_id, role=Role.UNIT_ADMIN)
                    .values_list("user_id", flat=True)
                )
            out.extend(
                Reminder(
                    region_id=qa.region_id,
                    user_id=uid,
                    text=_("督办：%(name)s 的 %(q)s 季度考核审核已逾期（期限 %(d)s）。") % facts,
                    link=link,
                    key=f"qa-escalate:{qa.pk}:{qa.pending_level}:{arrived}",
                )
                for uid in admins[qa.unit_id]
            )
    return _send(out)


def summary_reminders(*, today: date | None = None) -> int:
    today = today or timezone.localdate()
    rows = QuarterlyAssessment.objects.filter(
        status__in=(ReviewState.DRAFT, ReviewState.RETURNED),
        participates=True,
        quarter__filing_deadline__lt=today,
        person__user__isnull=False,
    ).values_list("pk", "region_id", "person__user_id", "quarter__filing_deadline")
    return _send(
        [
            Reminder(
                region_id=region_id,
                user_id=user_id,
                text=_("您的季度个人小结尚未提交（截止 %(d)s），请尽快提交。") % {"d": deadline},
                link=f"/reviews/q/{pk}/",
                key=f"qa-summary:{pk}",
            )
            for pk, region_id, user_id, deadline in rows
        ]
    )
