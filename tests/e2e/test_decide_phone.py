"""The principal decides on a phone (issue 16 item 5): at 375 px the decide screen lays its rows
out as cards, nothing scrolls sideways, and each 等次 select is on screen and big enough to tap."""

from __future__ import annotations

import re

import pytest

from assessment.models import QuarterlyAssessment
from reviews.models import ReviewState
from tests.reviews.helpers import open_quarter, to_decision

from .test_smoke import PHONE_WIDTH, horizontal_overflow, log_in

pytestmark = pytest.mark.browser


def test_principal_decides_on_a_375px_phone(page, personas, live_server):
    a = personas.a
    quarter = open_quarter(a)
    rows = [to_decision(a, key, quarter) for key in ("staff", "staff2")]
    log_in(page, a.principal.username)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"/reviews/units/{a.unit.pk}/{quarter.code}/decide/")
    assert horizontal_overflow(page) <= 0, "decide screen scrolls sideways at 375 px"
    for qa in rows:
        select = page.locator(f'select[name="grade-{qa.pk}"]')
        box = select.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH, box
        assert box["height"] >= 44, box
    # each row is a card: the header row is hidden and the cells carry their labels
    assert page.locator("table.decide thead").evaluate("e => getComputedStyle(e).display") == (
        "none"
    )
    page.locator(f'select[name="grade-{rows[0].pk}"]').select_option("fairly_good")
    page.get_by_role("button", name="批量审定所选等次").click()
    page.wait_for_url(re.compile(r"/decide/$"))
    assert "已审定 1 人" in page.content()
    decided = QuarterlyAssessment.objects.get(pk=rows[0].pk)
    assert decided.status == ReviewState.DECIDED and decided.grade == "fairly_good"
