"""The REST API: token clients, scopes, region scoping of every endpoint, problem details,
idempotent POSTs, the call log and the rate limit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from api.models import ApiCall, ApiClient, IdempotencyKey, Scope
from assessment.models import AuditEvent, Person
from indicators.models import AttendanceRecord, NegativeRecord

pytestmark = pytest.mark.django_db

PEOPLE = [
    {"staff_no": "API1", "name": "接口甲", "gender": "男", "unit": "a-u1", "section": "综合股"},
    {"staff_no": "API2", "name": "接口乙", "gender": "女", "unit": "a-u2", "section": ""},
]


def test_no_token_bad_token_revoked_expired_and_wrong_address_are_refused(make_client, call):
    url = reverse("api:units")
    response = call(None, "get", url)
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401 and response.json()["detail"]
    _client, token = make_client()
    assert call(token + "x", "get", url).status_code == 401
    assert call("psk_nothing", "get", url).status_code == 401
    assert call(token, "get", url).status_code == 200
    expired, token2 = make_client(expires_at=date.today() - timedelta(days=1))
    assert call(token2, "get", url).json()["detail"] == "令牌无效、已停用或已过期。"
    fenced, token3 = make_client(ip_allowlist="10.9.0.0/16")
    assert call(token3, "get", url).status_code == 403
    assert call(token3, "get", url, REMOTE_ADDR="10.9.1.2").status_code == 200


def test_a_client_needs_the_scope(make_client, call):
    _client, token = make_client(scopes=[Scope.RESULTS_READ])
    response = call(token, "get", reverse("api:people"))
    assert response.status_code == 403 and "权限范围" in response.json()["detail"]


def test_reads_see_only_the_client_region(make_client, call, personas):
    _client, token = make_client("b")
    units = call(token, "get", reverse("api:units")).json()
    assert [u["code"] for u in units["results"]] == ["b-u1", "b-u2"]
    people = call(token, "get", reverse("api:people"), {"page_size": 500}).json()
    assert people["count"] == 10 and all(p["staff_no"].startswith("b") for p in people["results"])
    assert call(token, "get", reverse("api:people"), {"unit": "a-u1"}).json()["count"] == 0


def test_roster_sync_upserts_and_a_retry_changes_nothing(make_client, call, personas):
    client, token = make_client()
    url = reverse("api:roster")
    response = call(token, "post", url, {"people": PEOPLE}, key="k-1")
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 2, "updated": 0, "unchanged": 0, "sections": 0}
    person = Person.objects.get(staff_no="API1")
    assert person.unit == personas.a.unit and person.section == personas.a.section
    assert person.history.get().history_change_reason == "接口同步：a人事系统"
    retry = call(token, "post", url, {"people": PEOPLE}, key="k-1")
    assert retry.json() == response.json() and retry["Idempotent-Replayed"] == "true"
    assert person.history.count() == 1
    other = call(token, "post", url, {"people": PEOPLE[:1]}, key="k-1")
    assert other.status_code == 400 and "另一个请求" in str(other.json()["errors"])
    again = call(token, "post", url, {"people": PEOPLE}, key="k-2")
    assert again.json()["unchanged"] == 2
    assert ApiCall.objects.filter(client=client, path=url, rows=2).count() == 2


def test_roster_sync_reports_row_errors_and_saves_nothing(make_client, call, personas):
    _client, token = make_client()
    bad = [PEOPLE[0], {**PEOPLE[1], "unit": "b-u1"}]
    response = call(token, "post", reverse("api:roster"), {"people": bad}, key="k")
    body = response.json()
    assert response.status_code == 422 and body["errors"][0]["item"] == 1
    assert "b-u1 在本区不存在" in body["errors"][0]["errors"][0]
    assert not Person.objects.filter(staff_no__startswith="API").exists()
    assert not IdempotencyKey.objects.exists()  # a failed request can be retried


def test_post_without_idempotency_key_is_refused(make_client, call):
    _client, token = make_client()
    response = call(token, "post", reverse("api:roster"), {"people": PEOPLE})
    assert response.status_code == 400 and "Idempotency-Key" in str(response.json()["errors"])


def test_attendance_and_negative_records_in(make_client, call, personas):
    _client, token = make_client()
    staff = personas.a.people["staff"]
    day = date.today() - timedelta(days=1)
    records = [{"staff_no": staff.staff_no, "date": day.isoformat(), "status": "旷工"}]
    response = call(token, "post", reverse("api:attendance"), {"records": records}, key="a1")
    assert response.json() == {"imported": 1}
    assert AttendanceRecord.objects.get(person=staff).status == "absent"
    negative = {
        "staff_no": staff.staff_no,
        "date": day.isoformat(),
        "source": "纪检",
        "type": "违规违纪违法",
        "severity": "一般",
        "document_no": "纪发〔2026〕1号",
    }
    no_doc = call(
        token,
        "post",
        reverse("api:negative-records"),
        {"records": [{**negative, "document_no": ""}]},
        key="n0",
    )
    assert no_doc.status_code == 400 and "document_no" in str(no_doc.json()["errors"])
    response = call(
        token, "post", reverse("api:negative-records"), {"records": [negative]}, key="n1"
    )
    assert response.status_code == 200, response.content
    record = NegativeRecord.objects.get(person=staff)
    assert (
        record.document_no == "纪发〔2026〕1号" and record.recorded_by == personas.a.district_admin
    )


def test_writes_cannot_touch_another_region(make_client, call, personas):
    _client, token = make_client("b")
    staff_a = personas.a.people["staff"]
    day = (date.today() - timedelta(days=1)).isoformat()
    response = call(
        token,
        "post",
        reverse("api:attendance"),
        {"records": [{"staff_no": staff_a.staff_no, "date": day, "status": "出勤"}]},
        key="x",
    )
    assert response.status_code == 422 and "未找到" in str(response.json()["errors"])
    response = call(
        token,
        "post",
        reverse("api:roster"),
        {"people": [{"staff_no": staff_a.staff_no, "name": "改名", "unit": "a-u1"}]},
        key="y",
    )
    assert response.status_code == 422
    staff_a.refresh_from_db()
    assert staff_a.name != "改名" and not AttendanceRecord.objects.exists()


def test_results_need_a_valid_period_and_show_only_published_records(make_client, call):
    _client, token = make_client()
    url = reverse("api:quarter-results")
    for bad in ({}, {"year": "abc"}, {"year": 1}, {"year": 2026, "quarter": 9}):
        response = call(token, "get", url, bad)
        assert (
            response.status_code == 400 and response["Content-Type"] == "application/problem+json"
        )
    response = call(token, "get", url, {"year": 2026})
    assert response.status_code == 200 and response.json()["count"] == 0
    assert call(token, "get", reverse("api:rewards"), {"year": 2026}).status_code == 200


def test_the_rate_limit_answers_429(make_client, call, monkeypatch):
    from api.auth import ClientRateThrottle

    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "2/min"})
    _client, token = make_client()
    codes = [call(token, "get", reverse("api:units")).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    other, token_b = make_client("b")  # per client: another system is not slowed down
    assert call(token_b, "get", reverse("api:units")).status_code == 200


# -- the district admin's pages ----------------------------------------------------------------


def test_district_admin_registers_a_client_and_sees_the_token_once(client, personas):
    client.force_login(personas.a.district_admin)
    response = client.post(
        reverse("api:client-list"),
        {"name": "区纪委系统", "scopes": ["negative:write"], "ip_allowlist": "", "expires_at": ""},
    )
    token = response.context["token"]
    assert (
        response.status_code == 200
        and token.startswith("psk_")
        and token in response.content.decode()
    )
    assert "no-store" in response["Cache-Control"]
    api_client = ApiClient.objects.get(name="区纪委系统")
    assert token.split("_", 2)[2] not in api_client.token_hash
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.API_CLIENT, user=personas.a.district_admin
    ).exists()
    rotated = client.post(reverse("api:client-rotate", args=[api_client.pk])).context["token"]
    assert rotated != token
    client.post(reverse("api:client-revoke", args=[api_client.pk]))
    api_client.refresh_from_db()
    assert api_client.revoked_at is not None


def test_bad_allowlist_is_a_field_error(client, personas):
    client.force_login(personas.a.district_admin)
    response = client.post(
        reverse("api:client-list"),
        {"name": "x", "scopes": ["roster:read"], "ip_allowlist": "10.0.0.999"},
    )
    assert response.status_code == 200 and "不是有效的 IP 地址或网段" in response.content.decode()
    assert not ApiClient.objects.exists()


def test_schema_and_docs_need_a_login(client, personas):
    assert client.get(reverse("api:schema"))["Location"].startswith("/login/")
    client.force_login(personas.a.staff)
    assert b"/api/v1/roster/" in client.get(reverse("api:schema")).content
    assert client.get(reverse("api:docs")).status_code == 200
