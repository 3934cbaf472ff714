"""A key-task tree for region A of the personas, built through the services:
region task → unit task (a财政局) → section task (综合股) → person task (staff)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessment.keytasks import services
from assessment.models import KeyTask, KeyTaskProgress, SupervisionNote
from tests.personas import Personas

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@dataclass
class Tree:
    region_task: KeyTask
    unit_task: KeyTask
    section_task: KeyTask
    person_task: KeyTask


def build_tree(p: Personas, *, deadline: date | None = None, title: str = "优化营商环境") -> Tree:
    a = p.a
    year = timezone.localdate().year
    deadline = deadline or date(year, 12, 31)
    texts = {"title": title, "target": "办结 100 件", "deadline": deadline}
    region_task = services.keytask_create(
        by=a.district_admin, level="region", region=a.region, year=year, **texts
    )
    (unit_task,) = services.keytask_decompose(
        parent=region_task, by=a.district_admin, assignees=[a.unit], **texts
    )
    (section_task,) = services.keytask_decompose(
        parent=unit_task, by=a.principal, assignees=[a.section], **texts
    )
    (person_task,) = services.keytask_decompose(
        parent=section_task, by=a.chief, assignees=[a.people["staff"]], **texts
    )
    return Tree(region_task, unit_task, section_task, person_task)


def tree_for(p: Personas) -> Tree:
    """One tree per personas object (the URL walker calls the kwargs functions repeatedly)."""
    tree = p.__dict__.get("_keytask_tree")
    if tree is None:
        tree = build_tree(p)
        p.__dict__["_keytask_tree"] = tree
    return tree


def report_for(p: Personas) -> KeyTaskProgress:
    tree = tree_for(p)
    report = tree.person_task.reports.first()
    if report is None:
        report = services.keytask_report_progress(
            task=tree.person_task, by=p.a.staff, percent=30, note="已办结 30 件", files=[pdf()]
        )
    return report


def note_for(p: Personas) -> SupervisionNote:
    tree = tree_for(p)
    note = tree.person_task.supervision_notes.first()
    if note is None:
        note = services.supervision_note_send(
            task=tree.person_task, by=p.a.principal, text="请加快进度"
        )
    return note
