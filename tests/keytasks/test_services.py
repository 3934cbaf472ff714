"""Key task services: who may create, decompose, report and supervise; rollup; attachments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessment import uploads
from assessment.keytasks import services
from assessment.models import Attachment, KeyTask, Person
from tests.keytasks.helpers import pdf

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year  # the region's year (Asia/Shanghai), not the machine's UTC date
TEXTS = {"title": "清理欠款", "target": "清理 20 笔", "deadline": date(YEAR, 12, 31)}


# -- create --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "level", "node"),
    [
        ("district_admin", "region", "region"),
        ("unit_admin", "unit", "unit"),
        ("principal", "unit", "unit"),
    ],
)
def test_allowed_roles_create_top_level_tasks(personas, who, level, node):
    a = personas.a
    task = services.keytask_create(
        by=a.users[who], level=level, year=YEAR, **{node: getattr(a, node)}, **TEXTS
    )
    assert task.level == level and task.region == a.region and task.progress == 0
    assert task.history.get().history_change_reason == "新建任务"


@pytest.mark.parametrize(
    ("who", "level", "node"),
    [
        ("unit_admin", "region", "region"),
        ("hr", "region", "region"),
        ("chief", "unit", "unit"),
        ("leader", "unit", "unit"),
        ("staff", "unit", "unit"),
        ("district_admin", "unit", "unit"),
        ("unit_admin", "unit", "other_unit"),
    ],
)
def test_other_roles_cannot_create(personas, who, level, node):
    a = personas.a
    with pytest.raises(PermissionDenied):
        services.keytask_create(
            by=a.users[who], level=level, year=YEAR, **{level: getattr(a, node)}, **TEXTS
        )


def test_district_admin_of_other_region_cannot_create_here(personas):
    with pytest.raises(PermissionDenied):
        services.keytask_create(
            by=personas.b.district_admin,
            level="region",
            region=personas.a.region,
            year=YEAR,
            **TEXTS,
        )


def test_deadline_outside_the_year_is_refused(personas):
    texts = {**TEXTS, "deadline": date(YEAR + 1, 1, 10)}
    with pytest.raises(ValidationError) as exc:
        services.keytask_create(
            by=personas.a.district_admin,
            level="region",
            region=personas.a.region,
            year=YEAR,
            **texts,
        )
    assert "deadline" in exc.value.message_dict


def test_section_and_person_tasks_come_only_from_decomposition(personas):
    with pytest.raises(ValidationError):
        services.keytask_create(by=personas.a.chief, level="section", year=YEAR, **TEXTS)


# -- decompose -----------------------------------------------------------------------------


def test_tree_is_denormalised_one_level_per_step(tree, personas):
    a = personas.a
    assert (tree.unit_task.level, tree.unit_task.unit) == ("unit", a.unit)
    assert tree.section_task.level == "section"
    assert (tree.section_task.unit, tree.section_task.section) == (a.unit, a.section)
    person = tree.person_task
    assert (person.level, person.person, person.section, person.unit) == (
        "person",
        a.people["staff"],
        a.section,
        a.unit,
    )
    assert person.parent == tree.section_task and person.region == a.region


@pytest.mark.parametrize(
    ("task", "who", "allowed"),
    [
        ("region_task", "district_admin", True),
        ("region_task", "unit_admin", False),
        ("region_task", "hr", False),
        ("unit_task", "principal", True),
        ("unit_task", "unit_admin", True),
        ("unit_task", "district_admin", False),
        ("unit_task", "chief", False),
        ("section_task", "chief", True),
        ("section_task", "leader", True),
        ("section_task", "principal", False),
        ("section_task", "staff", False),
        ("person_task", "staff", False),
        ("person_task", "chief", False),
    ],
)
def test_who_may_decompose(personas, tree, task, who, allowed):
    a = personas.a
    parent = getattr(tree, task)
    target = {
        "region_task": a.other_unit,
        "unit_task": a.other_section,
        "section_task": a.people["staff2"],
        "person_task": a.people["staff2"],
    }[task]
    call = lambda: services.keytask_decompose(  # noqa: E731
        parent=parent, by=a.users[who], assignees=[target], **TEXTS
    )
    if allowed:
        (child,) = call()
        assert child.parent == parent
    else:
        with pytest.raises(PermissionDenied):
            call()


@pytest.mark.parametrize(
    ("task", "assignee"),
    [
        ("region_task", "section"),  # skips a level
        ("unit_task", "other_unit"),  # a unit is not below a unit
        ("section_task", "other_staff"),  # a person of another unit
    ],
)
def test_decompose_only_one_level_down_inside_the_node(personas, tree, task, assignee):
    a = personas.a
    node = a.people[assignee] if assignee in a.people else getattr(a, assignee)
    who = {"region_task": "district_admin", "unit_task": "principal", "section_task": "chief"}[task]
    with pytest.raises(ValidationError) as exc:
        services.keytask_decompose(
            parent=getattr(tree, task), by=a.users[who], assignees=[node], **TEXTS
        )
    assert "assignees" in exc.value.message_dict


def test_section_task_cannot_go_to_a_person_of_another_section(personas, tree):
    a = personas.a
    stranger = Person.objects.create(
        region=a.region,
        unit=a.unit,
        section=a.other_section,
        name="业务股员",
        staff_no="x1",
        gender="F",
    )
    with pytest.raises(ValidationError):
        services.keytask_decompose(
            parent=tree.section_task, by=a.chief, assignees=[stranger], **TEXTS
        )


def test_child_deadline_may_not_pass_the_parent(personas, tree):
    a = personas.a
    tree.section_task.deadline = date(YEAR, 6, 30)
    tree.section_task.save()
    with pytest.raises(ValidationError) as exc:
        services.keytask_decompose(
            parent=tree.section_task,
            by=a.chief,
            assignees=[a.people["staff2"]],
            **{**TEXTS, "deadline": date(YEAR, 7, 1)},
        )
    assert "上级任务" in exc.value.message_dict["deadline"][0]


def test_a_node_gets_a_task_once(personas, tree):
    with pytest.raises(ValidationError) as exc:
        services.keytask_decompose(
            parent=tree.section_task,
            by=personas.a.chief,
            assignees=[personas.a.people["staff"]],
            **TEXTS,
        )
    assert "已分解给" in exc.value.message_dict["assignees"][0]


def test_decompose_needs_an_assignee(personas, tree):
    with pytest.raises(ValidationError):
        services.keytask_decompose(
            parent=tree.section_task, by=personas.a.chief, assignees=[], **TEXTS
        )


# -- progress and rollup -------------------------------------------------------------------


def test_assignee_reports_progress_and_the_tree_rolls_up(personas, tree):
    a = personas.a
    (second,) = services.keytask_decompose(
        parent=tree.section_task, by=a.chief, assignees=[a.people["staff2"]], **TEXTS
    )
    services.keytask_report_progress(
        task=tree.person_task, by=a.staff, percent=Decimal(100), note="完成"
    )
    services.keytask_report_progress(
        task=second, by=a.staff2, percent=Decimal(45), note="过半", value="9 笔"
    )
    for task in (tree.person_task, second, tree.section_task, tree.unit_task, tree.region_task):
        task.refresh_from_db()
    assert tree.person_task.progress == 100 and tree.person_task.status == "done"
    assert second.progress == 45 and second.status == "active"
    assert tree.section_task.progress == Decimal("72.5")
    assert tree.unit_task.progress == Decimal("72.5")
    assert tree.region_task.progress == Decimal("72.5")
    assert tree.section_task.history.first().history_change_reason == "下级任务进度汇总"


def test_parent_is_done_when_every_child_is(personas, tree):
    services.keytask_report_progress(
        task=tree.person_task, by=personas.a.staff, percent=100, note="完成"
    )
    tree.region_task.refresh_from_db()
    assert (tree.region_task.progress, tree.region_task.status) == (100, "done")


def test_rollup_averages_across_units(personas, tree):
    a = personas.a
    (edu,) = services.keytask_decompose(
        parent=tree.region_task, by=a.district_admin, assignees=[a.other_unit], **TEXTS
    )
    services.keytask_report_progress(task=tree.person_task, by=a.staff, percent=60, note="进行中")
    tree.region_task.refresh_from_db()
    assert tree.region_task.progress == 30  # (60 + 0) / 2
    edu.refresh_from_db()
    assert edu.progress == 0


def test_decomposed_task_takes_no_direct_report(personas, tree):
    with pytest.raises(ValidationError) as exc:
        services.keytask_report_progress(
            task=tree.section_task, by=personas.a.chief, percent=50, note="x"
        )
    assert "已分解" in exc.value.messages[0]


@pytest.mark.parametrize("who", ["staff2", "chief", "principal", "district_admin"])
def test_only_the_assignee_reports(personas, tree, who):
    with pytest.raises(PermissionDenied):
        services.keytask_report_progress(
            task=tree.person_task, by=personas.a.users[who], percent=5, note="x"
        )


def test_owners_report_on_undecomposed_section_and_unit_tasks(personas):
    a = personas.a
    unit_task = services.keytask_create(
        by=a.unit_admin, level="unit", unit=a.unit, year=YEAR, **TEXTS
    )
    services.keytask_report_progress(task=unit_task, by=a.principal, percent=20, note="x")
    (section_task,) = services.keytask_decompose(
        parent=services.keytask_create(
            by=a.unit_admin, level="unit", unit=a.unit, year=YEAR, **TEXTS
        ),
        by=a.unit_admin,
        assignees=[a.section],
        **TEXTS,
    )
    services.keytask_report_progress(task=section_task, by=a.chief, percent=40, note="x")
    with pytest.raises(PermissionDenied):
        services.keytask_report_progress(task=section_task, by=a.leader, percent=40, note="x")
    section_task.parent.refresh_from_db()
    assert section_task.parent.progress == 40


def test_percent_and_note_are_checked(personas, tree):
    with pytest.raises(ValidationError) as exc:
        services.keytask_report_progress(
            task=tree.person_task, by=personas.a.staff, percent=120, note=" "
        )
    assert set(exc.value.message_dict) == {"percent", "note"}


def test_evidence_is_stored_as_private_attachments(personas, tree):
    report = services.keytask_report_progress(
        task=tree.person_task, by=personas.a.staff, percent=10, note="x", files=[pdf("台账.pdf")]
    )
    attachment = Attachment.objects.get(progress=report)
    assert attachment.name == "台账.pdf" and attachment.content_type == "application/pdf"
    assert attachment.region == personas.a.region and attachment.log is None
    assert attachment.file.read().startswith(b"%PDF-")


def test_bad_type_is_refused_and_nothing_is_saved(personas, tree):
    fake = SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    with pytest.raises(ValidationError) as exc:
        services.keytask_report_progress(
            task=tree.person_task, by=personas.a.staff, percent=10, note="x", files=[fake]
        )
    assert "类型不支持" in exc.value.message_dict["files"][0]
    tree.person_task.refresh_from_db()
    assert tree.person_task.progress == 0 and not tree.person_task.reports.exists()


def test_pdf_named_but_not_a_pdf_is_refused(personas, tree):
    fake = SimpleUploadedFile("a.pdf", b"<html>", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        services.keytask_report_progress(
            task=tree.person_task, by=personas.a.staff, percent=10, note="x", files=[fake]
        )
    assert "内容与扩展名不符" in exc.value.message_dict["files"][0]


def test_too_large_file_is_refused(personas, tree, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_BYTES", 10)
    with pytest.raises(ValidationError) as exc:
        services.keytask_report_progress(
            task=tree.person_task, by=personas.a.staff, percent=10, note="x", files=[pdf()]
        )
    assert "超过 10 MB" in exc.value.message_dict["files"][0]


def test_at_most_five_files(personas, tree):
    with pytest.raises(ValidationError) as exc:
        services.keytask_report_progress(
            task=tree.person_task,
            by=personas.a.staff,
            percent=10,
            note="x",
            files=[pdf() for _ in range(6)],
        )
    assert "files" in exc.value.message_dict


# -- supervision ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("task", "who", "allowed"),
    [
        ("person_task", "district_admin", True),
        ("region_task", "district_admin", True),
        ("person_task", "principal", True),
        ("person_task", "unit_admin", True),
        ("person_task", "leader", True),
        ("section_task", "leader", True),
        ("unit_task", "leader", False),
        ("region_task", "principal", False),
        ("person_task", "chief", False),
        ("person_task", "hr", False),
        ("person_task", "discipline", False),
        ("person_task", "staff", False),
    ],
)
def test_who_may_supervise(personas, tree, task, who, allowed):
    call = lambda: services.supervision_note_send(  # noqa: E731
        task=getattr(tree, task), by=personas.a.users[who], text="请加快"
    )
    if allowed:
        assert call().read_at is None
    else:
        with pytest.raises(PermissionDenied):
            call()


def test_other_region_district_admin_cannot_supervise(personas, tree):
    with pytest.raises(PermissionDenied):
        services.supervision_note_send(
            task=tree.person_task, by=personas.b.district_admin, text="x"
        )


def test_note_is_unread_until_the_assignee_reads_it(personas, tree):
    note = services.supervision_note_send(
        task=tree.person_task, by=personas.a.principal, text="请加快"
    )
    with pytest.raises(PermissionDenied):
        services.note_mark_read(note=note, by=personas.a.principal)
    services.note_mark_read(note=note, by=personas.a.staff)
    note.refresh_from_db()
    assert note.read_at is not None


def test_empty_note_is_refused(personas, tree):
    with pytest.raises(ValidationError):
        services.supervision_note_send(task=tree.person_task, by=personas.a.principal, text="  ")


def test_task_rows_keep_their_history(personas, tree):
    services.keytask_report_progress(
        task=tree.person_task, by=personas.a.staff, percent=40, note="x"
    )
    reasons = list(tree.person_task.history.values_list("history_change_reason", flat=True))
    assert reasons == ["填报进展：40.0%", "由上级任务分解"]
    assert (
        KeyTask.history.filter(id=tree.region_task.pk).count() == 2
    )  # created; rolled up once (decomposing left it at 0)
