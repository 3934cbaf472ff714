"""Builders for reward/punishment records (tests and URL probes)."""

from __future__ import annotations

from datetime import date

from django.core.files.base import ContentFile

from rewards.models import RewardKind, RewardLevel, RewardRecord, RewardType

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_record(person, *, by=None, day=date(2026, 8, 1), evidence: bool = False, **fields):
    values = {
        "kind": RewardKind.REWARD,
        "type": RewardType.COMMENDATION,
        "level": RewardLevel.DISTRICT,
        "issuer": "区人民政府",
        "document_no": "区府发〔2026〕12号",
        "reason": "防汛抢险表现突出",
    }
    values.update(fields)
    record = RewardRecord(
        region_id=person.region_id,
        person=person,
        unit_id=person.unit_id,
        date=day,
        created_by=by or person.user,
        **values,
    )
    if evidence:
        record.evidence_name = "嘉奖令.pdf"
        record.evidence_type = "application/pdf"
        record.evidence.save("x", ContentFile(PDF_BYTES), save=False)
    record.save()
    return record
