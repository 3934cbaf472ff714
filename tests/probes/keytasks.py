from tests.keytasks.helpers import note_for, report_for, tree_for

from .base import PERSONS, Probe

# who sees staff's person task: the person, their section's roles, the unit's, the region's
SEES_PERSON_TASK = (
    "staff",
    "chief",
    "leader",
    "principal",
    "unit_admin",
    "district_admin",
    "hr",
)
SUPERVISORS = ("principal", "leader", "unit_admin", "district_admin")


def _list(p):
    tree_for(p)  # region A has tasks: region B's pages must not show them
    return {}


PROBES = {
    "keytasks:task-list": Probe(_list, PERSONS),
    "keytasks:home-card": Probe(_list, PERSONS),
    "keytasks:task-create": Probe(_list, ("district_admin", "unit_admin", "principal")),
    "keytasks:supervision": Probe(_list, SUPERVISORS),
    "keytasks:task-detail": Probe(lambda p: {"pk": tree_for(p).person_task.pk}, SEES_PERSON_TASK),
    "keytasks:task-decompose": Probe(
        lambda p: {"pk": tree_for(p).section_task.pk}, ("chief", "leader")
    ),
    "keytasks:task-progress": Probe(lambda p: {"pk": tree_for(p).person_task.pk}, ("staff",)),
    "keytasks:note-send": Probe(lambda p: {"pk": tree_for(p).person_task.pk}, SUPERVISORS, "post"),
    "keytasks:note-read": Probe(lambda p: {"pk": note_for(p).pk}, ("staff",), "post"),
    "keytasks:attachment-download": Probe(
        lambda p: {"pk": report_for(p).attachments.get().pk}, SEES_PERSON_TASK
    ),
}
