"""The security baseline (SECURITY.md "Authentication and sessions", "Audit", headers): password
policy, lockout, sessions, audit events and response headers, through the real login path."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from assessment.models import AuditEvent, Lockout, LoginFailure, Role, User
from assessment.passwords import MinimumLengthValidator
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_ERROR = "用户名或密码不正确，或账号已被暂时锁定。"
NEW_PASSWORD = "Xinmima#2026"


@pytest.fixture
def clock(monkeypatch):
    """Move django.utils.timezone.now (sessions, lockout and middleware all read it)."""
    real_now = timezone.now
    offset = [timedelta(0)]
    monkeypatch.setattr(timezone, "now", lambda: real_now() + offset[0])

    class Clock:
        def advance(self, **delta) -> None:
            offset[0] += timedelta(**delta)

    return Clock()


def post_login(client, username, password, *, ip="10.0.0.1", **extra):
    return client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=ip, **extra
    )


def logged_in_as(client):
    return client.get("/", REMOTE_ADDR="10.0.0.1").wsgi_request.user


def form_errors(response) -> list[str]:
    return re.findall(r'<p class="error[^"]*">([^<]*)</p>', response.content.decode())


# -- password policy ---------------------------------------------------------------------------


def _messages(password: str, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return exc.messages
    return []


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1#cd", "密码太短，至少需要 8 个字符。"),
        ("abcdefgh", "密码须包含大写字母、小写字母、数字、符号中的至少 3 类。"),
        ("Xx-a_staff-1", "密码不能包含用户名。"),
        ("Password1", "这个密码太常见了。"),
    ],
    ids=["too-short", "one-class", "contains-username", "common"],
)
def test_each_password_rule_gives_its_chinese_message(personas, password, message):
    assert message in _messages(password, personas.a.staff)


def test_configured_length_rule_answers_in_chinese(personas):
    assert _messages("Ab1#cd", personas.a.staff) == ["密码太短，至少需要 8 个字符。"]


def test_minimum_length_validator_keeps_its_length():
    MinimumLengthValidator(min_length=10).validate("Abcdef#123")
    with pytest.raises(ValidationError, match="至少需要 10 个字符"):
        MinimumLengthValidator(min_length=10).validate("Abcdef#12")


def test_a_good_password_passes(personas):
    assert _messages("Qiang#Mima2026", personas.a.staff) == []


def test_password_change_form_shows_the_rule_beside_the_field(client, login, personas):
    login(personas.a.staff)
    response = client.post(
        "/password/change/",
        {"old_password": PASSWORD, "new_password1": "abcdefgh", "new_password2": "abcdefgh"},
    )
    assert response.status_code == 200
    assert "密码须包含大写字母、小写字母、数字、符号中的至少 3 类。" in form_errors(response)
    assert User.objects.get(pk=personas.a.staff.pk).check_password(PASSWORD)


def test_last_five_passwords_cannot_be_reused(personas):
    user = User.objects.get(pk=personas.a.staff.pk)
    used = [PASSWORD] + [f"Mima#{i}2026x" for i in range(5)]
    for password in used[1:]:
        validate_password(password, user)
        user.set_password(password)
        user.save()
    # the history now holds the last five: used[1:]; used[0] has dropped out
    for password in used[1:]:
        assert "不能使用最近 5 次用过的密码。" in _messages(password, user)
    assert _messages(used[0], user) == []
    assert user.password_history.count() == 5


def test_expired_password_redirects_to_the_change_page_until_changed(client, login, personas):
    user = personas.a.staff
    User.objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)
    )
    login(User.objects.get(pk=user.pk))
    for url in ("/", "/org/units/", "/audit/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == "/password/change/"
    page = client.get("/password/change/")
    assert page.status_code == 200
    assert "密码已过期（超过 90 天），请先修改密码。" in page.content.decode()

    response = client.post(
        "/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert 'id="todo-staff"' in home.content.decode()
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)


def test_password_younger_than_the_maximum_age_is_not_redirected(client, login, personas):
    User.objects.filter(pk=personas.a.staff.pk).update(
        password_changed_at=timezone.now() - timedelta(days=settings.PASSWORD_MAX_AGE_DAYS - 1)
    )
    login(User.objects.get(pk=personas.a.staff.pk))
    assert client.get("/").status_code == 200


# -- lockout -----------------------------------------------------------------------------------


def fail(client, username, times, *, ip="10.0.0.1", **extra) -> None:
    for _ in range(times):
        response = post_login(client, username, "wrong-Password1", ip=ip, **extra)
        assert response.status_code == 200
        assert LOGIN_ERROR in form_errors(response)


def test_five_failures_lock_the_account(client, personas):
    fail(client, "a_staff", 4)
    assert post_login(client, "a_staff", PASSWORD, ip="10.0.0.2").status_code == 302
    client.post("/logout/")
    fail(client, "a_staff", 5)
    response = post_login(client, "a_staff", PASSWORD, ip="10.9.9.9")  # another address too
    assert response.status_code == 200
    assert LOGIN_ERROR in form_errors(response)
    assert not logged_in_as(client).is_authenticated
    assert Lockout.objects.filter(key="user:a_staff").exists()


def test_lockout_also_locks_the_client_address(client, personas):
    for name in ("x1", "x2", "x3", "x4", "x5"):  # five different unknown usernames
        fail(client, name, 1, ip="10.0.0.7")
    response = post_login(client, "a_staff", PASSWORD, ip="10.0.0.7")
    assert LOGIN_ERROR in form_errors(response)
    assert post_login(client, "a_staff", PASSWORD, ip="10.0.0.8").status_code == 302


def test_rotating_forwarded_for_header_does_not_bypass_the_address_lock(client, personas):
    for i in range(5):
        fail(client, f"guess{i}", 1, ip="10.0.0.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    response = post_login(
        client, "a_staff", PASSWORD, ip="10.0.0.7", HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    assert response.status_code == 200
    assert LOGIN_ERROR in form_errors(response)
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN).count() == 0


def test_behind_a_trusted_proxy_the_lock_follows_the_client_not_the_proxy(
    client, personas, settings
):
    settings.TRUSTED_PROXY_COUNT = 1  # one reverse proxy: it appends the address it saw
    proxy = "127.0.0.1"
    for i in range(5):  # the client forges a different address each time, left of the real one
        fail(client, f"guess{i}", 1, ip=proxy, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}, 10.1.1.1")
    assert Lockout.objects.filter(key="ip:10.1.1.1").exists()
    refused = post_login(
        client, "a_staff", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.9, 10.1.1.1"
    )
    assert LOGIN_ERROR in form_errors(refused)
    # another client behind the same proxy is not locked out with them
    other = post_login(client, "a_staff", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="10.2.2.2")
    assert other.status_code == 302
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.LOGIN).ip == "10.2.2.2"


def test_failures_outside_the_window_do_not_lock(client, personas, clock):
    fail(client, "a_staff", 4)
    clock.advance(minutes=16)
    fail(client, "a_staff", 1)
    assert post_login(client, "a_staff", PASSWORD).status_code == 302


def test_blank_password_does_not_reset_the_failure_count(client, personas):
    fail(client, "a_staff", 4, ip="10.0.0.1")
    post_login(client, "a_staff", "", ip="10.0.0.2")
    fail(client, "a_staff", 1, ip="10.0.0.3")
    response = post_login(client, "a_staff", PASSWORD, ip="10.0.0.4")
    assert LOGIN_ERROR in form_errors(response)


def _normalised(response, username: str) -> str:
    html = response.content.decode().replace(username, "USERNAME")
    html = re.sub(r'nonce="[^"]+"', "", html)  # a fresh CSP nonce per response
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_unknown_user_wrong_password_and_locked_account_look_the_same(client, personas):
    fail(client, "a_chief", 5, ip="10.0.0.9")
    unknown = post_login(client, "nobody_xx", PASSWORD, ip="10.0.0.1")
    wrong = post_login(client, "a_staff", "wrong-Password1", ip="10.0.0.2")
    locked = post_login(client, "a_chief", PASSWORD, ip="10.0.0.3")  # right password, locked
    assert unknown.status_code == wrong.status_code == locked.status_code == 200
    assert form_errors(unknown) == form_errors(wrong) == form_errors(locked) == [LOGIN_ERROR]
    assert _normalised(unknown, "nobody_xx") == _normalised(wrong, "a_staff")
    assert _normalised(wrong, "a_staff") == _normalised(locked, "a_chief")


def test_lock_ends_after_thirty_minutes(client, personas, clock):
    fail(client, "a_staff", 5)
    clock.advance(minutes=29)
    assert LOGIN_ERROR in form_errors(post_login(client, "a_staff", PASSWORD, ip="10.0.0.2"))
    clock.advance(minutes=2)
    response = post_login(client, "a_staff", PASSWORD, ip="10.0.0.2")
    assert response.status_code == 302
    assert logged_in_as(client) == personas.a.staff


def test_successful_login_clears_the_failures(client, personas):
    fail(client, "a_staff", 4)
    assert post_login(client, "a_staff", PASSWORD, ip="10.0.0.2").status_code == 302
    assert not LoginFailure.objects.filter(key="user:a_staff").exists()


def test_security_admin_can_lift_a_lock(client, login, personas):
    fail(client, "a_staff", 5)
    lock = Lockout.objects.get(key="user:a_staff")
    login(personas.security_admin)
    page = client.get("/security/lockouts/")
    assert "账号 a_staff" in page.content.decode()
    client.post("/security/lockouts/", {"pk": lock.pk})
    client.post("/logout/")
    assert Lockout.objects.filter(key="ip:10.0.0.1", until__gt=timezone.now()).exists()
    assert post_login(client, "a_staff", PASSWORD, ip="10.0.0.2").status_code == 302


def test_lifting_a_lock_with_a_bad_id_is_404_not_500(client, login, personas):
    login(personas.security_admin)
    for pk in ("abc", "", "99999999"):
        assert client.post("/security/lockouts/", {"pk": pk}).status_code == 404


# -- sessions ----------------------------------------------------------------------------------


def test_session_expires_after_thirty_idle_minutes(client, login, personas, clock):
    login(personas.a.staff)
    clock.advance(minutes=29)
    assert client.get("/").status_code == 200
    clock.advance(minutes=31)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_each_request_slides_the_idle_timeout(client, login, personas, clock, settings):
    settings.SESSION_TOUCH_SECONDS = 60
    login(personas.a.staff)
    for _ in range(4):  # 100 minutes in all, never 30 idle
        clock.advance(minutes=25)
        assert client.get("/").status_code == 200


def test_the_session_is_rewritten_at_most_once_a_minute(client, login, personas, clock, settings):
    settings.SESSION_TOUCH_SECONDS = 60
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(personas.a.staff)
    client.get("/")
    clock.advance(seconds=30)
    with CaptureQueriesContext(connection) as quiet:
        assert client.get("/").status_code == 200
    assert not [
        q for q in quiet.captured_queries if "UPDATE" in q["sql"] and "django_session" in q["sql"]
    ]
    clock.advance(seconds=31)
    with CaptureQueriesContext(connection) as touched:
        assert client.get("/").status_code == 200
    assert [
        q for q in touched.captured_queries if "UPDATE" in q["sql"] and "django_session" in q["sql"]
    ]


def test_idle_timeout_is_thirty_minutes_after_the_last_request(
    client, login, personas, clock, settings
):
    settings.SESSION_TOUCH_SECONDS = 60
    login(personas.a.staff)
    clock.advance(minutes=29)
    assert client.get("/").status_code == 200
    clock.advance(minutes=31)
    assert client.get("/").status_code == 302


def test_session_ends_after_twelve_hours_however_active(client, login, personas, clock, settings):
    settings.SESSION_TOUCH_SECONDS = 60
    login(personas.a.staff)
    elapsed = timedelta(0)
    while elapsed <= timedelta(hours=12):
        assert client.get("/").status_code == 200, elapsed
        clock.advance(minutes=25)
        elapsed += timedelta(minutes=25)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert "登录已超过最长时限，请重新登录。" in client.get("/login/").content.decode()
    assert not logged_in_as(client).is_authenticated
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.SESSION_EXPIRED)
    assert event.user == personas.a.staff


def test_session_key_changes_at_login(client, personas):
    before = client.session
    before["probe"] = 1
    before.save()
    old_key = before.session_key
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == old_key
    assert post_login(client, "a_staff", PASSWORD).status_code == 302
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    assert Session.objects.filter(session_key=new_key).exists()


def test_sessions_are_stored_in_the_database(client, personas):
    post_login(client, "a_staff", PASSWORD)
    session = Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)
    assert session.get_decoded()["_auth_user_id"] == str(personas.a.staff.pk)


# -- audit -------------------------------------------------------------------------------------


def kinds(**filters) -> list[str]:
    return list(
        AuditEvent.objects.filter(**filters).order_by("at", "pk").values_list("kind", flat=True)
    )


def test_login_logout_and_failures_are_audited(client, personas):
    fail(client, "a_staff", 1, ip="10.0.0.5")
    post_login(client, "a_staff", PASSWORD, ip="10.0.0.5")
    client.post("/logout/", REMOTE_ADDR="10.0.0.5")
    # the first event is the account's creation with a password
    assert kinds(username="a_staff") == ["password_changed", "login_failed", "login", "logout"]
    login_event = AuditEvent.objects.get(kind=AuditEvent.Kind.LOGIN)
    assert login_event.user == personas.a.staff
    assert login_event.ip == "10.0.0.5"


def test_lockout_is_audited(client, personas):
    fail(client, "a_staff", 5, ip="10.0.0.6")
    events = AuditEvent.objects.filter(kind=AuditEvent.Kind.LOCKOUT, username="a_staff")
    assert {e.detail["key"] for e in events} == {"user:a_staff", "ip:10.0.0.6"}


def test_role_grant_and_revoke_are_audited(client, login, personas):
    a = personas.a
    login(a.unit_admin)
    client.post(
        f"/org/units/{a.unit.pk}/roles/grant/",
        {
            "person": a.people["staff2"].pk,
            "role": Role.SECTION_CHIEF,
            "section": a.other_section.pk,
        },
    )
    granted = AuditEvent.objects.get(kind=AuditEvent.Kind.ROLE_GRANTED, user=a.unit_admin)
    assert granted.detail["target"] == "a_staff2"
    assert granted.detail["role"] == Role.SECTION_CHIEF
    assert granted.region == a.region
    membership = a.staff2.memberships.get(role=Role.SECTION_CHIEF)
    client.post(f"/org/roles/{membership.pk}/revoke/")
    revoked = AuditEvent.objects.get(kind=AuditEvent.Kind.ROLE_REVOKED, user=a.unit_admin)
    assert revoked.detail["target"] == "a_staff2"


def test_password_change_is_audited(client, login, personas):
    login(personas.a.staff)
    before = set(AuditEvent.objects.values_list("pk", flat=True))  # creation events
    response = client.post(
        "/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.exclude(pk__in=before).get(kind=AuditEvent.Kind.PASSWORD_CHANGED)
    assert event.user == personas.a.staff
    assert event.detail == {"first": False}


def test_audit_events_cannot_be_updated_or_deleted(client, personas):
    post_login(client, "a_staff", PASSWORD)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.LOGIN)
    event.username = "someone_else"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.username == "a_staff"


@pytest.mark.postgres
def test_the_database_refuses_bulk_updates_and_deletes_of_audit_rows(client, personas):
    post_login(client, "a_staff", PASSWORD)
    rows = AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN)
    for attempt in (lambda: rows.update(username="x"), rows.delete):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    assert rows.get().username == "a_staff"
    personas.a.staff.delete()  # on_delete=SET_NULL: unlinking a deleted account is allowed
    assert rows.get().user is None and rows.get().username == "a_staff"


def test_audit_log_is_read_by_the_auditor_only(client, login, personas):
    post_login(client, "a_staff", PASSWORD, ip="10.0.0.42")
    client.post("/logout/")
    login(personas.auditor)
    page = client.get("/audit/").content.decode()
    assert "a_staff" in page
    assert "10.0.0.42" in page
    for user in (personas.system_admin, personas.security_admin, personas.a.district_admin):
        login(user)
        assert client.get("/audit/").status_code == 403


# -- headers and install -----------------------------------------------------------------------


def test_security_headers_on_every_page(client, login, personas):
    for response in (client.get("/login/"), login(personas.a.unit_admin).get("/org/units/")):
        assert response.status_code == 200
        csp = response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "default-src 'self'" in csp
        assert "object-src 'none'" in csp
        assert "unsafe-inline" not in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


def test_csp_carries_a_fresh_nonce_that_the_page_uses(client):
    first, second = client.get("/login/"), client.get("/login/")
    nonces = []
    for response in (first, second):
        match = re.search(
            r"script-src [^;]*'nonce-([A-Za-z0-9+/=]{16,})'", response["Content-Security-Policy"]
        )
        assert match
        nonces.append(match.group(1))
        assert f'nonce="{match.group(1)}"' in response.content.decode()
    assert nonces[0] != nonces[1]


def test_fresh_database_has_no_accounts(personas):
    from tests.personas import persona_users

    # no guardian AnonymousUser, no default admin: only the accounts the tests built
    assert not User.objects.exclude(pk__in=[u.pk for u in persona_users(personas)]).exists()


def test_security_admin_lifting_a_lock_is_audited(client, personas):
    from datetime import timedelta

    from django.utils import timezone

    from assessment.models import AuditEvent, Lockout

    lock = Lockout.objects.create(key="user:a_staff", until=timezone.now() + timedelta(minutes=30))
    client.force_login(personas.security_admin)
    client.post("/security/lockouts/", {"pk": lock.pk})
    lock.refresh_from_db()
    assert lock.until <= timezone.now()
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.UNLOCKED)
    assert event.user == personas.security_admin and event.detail["key"] == "user:a_staff"
