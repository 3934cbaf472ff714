"""Issue 17, finding 5: in the admin site every object outside the role's reach answers 404
in every object view (change, delete, history, one history version), exactly as a missing
id does; a 403 for an existing id would confirm it exists. Walks every registered ModelAdmin,
so a model added to the admin later is covered (and must be added to REACH)."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from assessment.admin import admin_site

pytestmark = pytest.mark.django_db

MISSING = 10**9
# model name → the roles whose admin pages reach region A's row of it
REACH = {
    "cityplatform": {"system_admin"},
    "region": {"system_admin"},
    "unitcategory": {"system_admin", "a.district_admin"},
    "unit": {"a.district_admin"},
    "section": {"a.district_admin"},
    "person": {"a.district_admin"},
    "quotagroup": {"a.district_admin"},
    "outboxmessage": {"system_admin"},
}


def _region_a_object(model, personas):
    field = {"Region": "pk", "CityPlatform": None, "OutboxMessage": None}.get(
        model.__name__, "region"
    )
    rows = model.objects.order_by("pk")
    return rows.first() if field is None else rows.filter(**{field: personas.a.region.pk}).first()


def _object_urls(model, pk, version):
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    for view, args in (
        ("change", [pk]),
        ("delete", [pk]),
        ("history", [pk]),
        ("simple_history", [pk, version]),
    ):
        try:
            yield view, reverse(f"{info}_{view}", args=args)
        except NoReverseMatch:
            continue


def _quota_group(personas) -> None:
    """A region-A row of the one admin model the personas do not have (reviews' 名额组)."""
    from assessment.periods import assessment_year
    from outbox.models import OutboxMessage
    from reviews.models import QuotaGroup

    year = assessment_year(personas.a.region, 2026)
    QuotaGroup.objects.create(region=personas.a.region, year=year, name="小单位合并名额组")
    OutboxMessage.objects.create(task="indicators.tasks.recompute_scores")


def test_every_admin_object_view_answers_404_outside_reach(client, personas):
    viewers = {
        "system_admin": personas.system_admin,
        "a.district_admin": personas.a.district_admin,
        "b.district_admin": personas.b.district_admin,
    }
    _quota_group(personas)
    problems, probes = [], 0
    for model in admin_site._registry:
        name = model._meta.model_name
        assert name in REACH, f"add {name} to REACH"
        obj = _region_a_object(model, personas)
        history = getattr(obj, "history", None)  # the outbox keeps no history
        version = history.order_by("history_id").first().history_id if history else 1
        for label, user in viewers.items():
            client.force_login(user)
            for view, url in _object_urls(model, obj.pk, version):
                probes += 1
                status = client.get(url).status_code
                missing_url = url.replace(f"/{obj.pk}/", f"/{MISSING}/", 1)
                missing = client.get(missing_url).status_code
                if label in REACH[name]:
                    if status >= 500 or missing != 404:
                        problems.append((name, view, label, status, missing))
                elif (status, missing) != (404, 404):
                    problems.append((name, view, label, status, missing))
    print(f"\nadmin reach: {probes} probes, {len(problems)} problems")
    assert probes >= 60
    assert not problems, problems
