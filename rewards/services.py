"""Reward/punishment record actions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from .models import RewardRecord
from .selectors import enterable_people


@transaction.atomic
def reward_record_create(*, record: RewardRecord, by) -> RewardRecord:
    """Store a record the form has validated; the person must be within the account's reach."""
    person = enterable_people(by).filter(pk=record.person_id).first()
    if person is None:
        raise PermissionDenied(_("您无权为该人员录入奖惩记录。"))
    record.region_id = person.region_id
    record.unit_id = person.unit_id
    record.created_by = by
    record.save()
    update_change_reason(record, _("录入奖惩记录"))
    return record
