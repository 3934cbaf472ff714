from tests.work.helpers import file_log, pdf, submitted_plan

from .base import PERSONS, READERS, REVIEWERS, Probe, no_kwargs


def _log(p):
    return {"pk": file_log(p.a.people["staff"]).pk}


def _attachment(p):
    log = file_log(p.a.people["staff"], files=[pdf()])
    return {"pk": log.attachments.get().pk}


def _plan(p):
    return {"pk": submitted_plan(p.a.people["staff"]).pk}


def _goal(p):
    return {"pk": submitted_plan(p.a.people["staff"]).goals.get().pk}


PROBES = {
    "work:log-list": Probe(no_kwargs, PERSONS),
    "work:log-create": Probe(no_kwargs, PERSONS),
    "work:team-logs": Probe(no_kwargs, REVIEWERS),
    "work:log-review-queue": Probe(no_kwargs, REVIEWERS),
    "work:log-bulk-approve": Probe(no_kwargs, REVIEWERS, "post"),
    "work:log-detail": Probe(_log, READERS),
    "work:log-edit": Probe(_log, ("staff",)),
    "work:log-review": Probe(_log, ("chief",), "post"),
    "work:log-comment": Probe(_log, REVIEWERS, "post"),
    "work:attachment": Probe(_attachment, READERS),
    "work:goal-plan": Probe(no_kwargs, PERSONS),
    "work:goal-review-queue": Probe(no_kwargs, REVIEWERS),
    "work:goal-detail": Probe(_plan, READERS),
    "work:goal-add": Probe(_plan, ("staff",), "post"),
    "work:goal-submit": Probe(_plan, ("staff",), "post"),
    "work:goal-review": Probe(_plan, ("chief",), "post"),
    "work:goal-reopen": Probe(_plan, ("staff",), "post"),
    "work:goal-edit": Probe(_goal, ("staff",)),
    "work:goal-delete": Probe(_goal, ("staff",), "post"),
}
