"""Chinese error pages (templates/403.html, 404.html, 500.html), as served with DEBUG off."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_debug(settings):
    settings.DEBUG = False


def test_unknown_url_is_a_chinese_404_page(client, personas):
    client.force_login(personas.a.staff)
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body and "返回首页" in body
    assert "Not Found" not in body and "Page not found" not in body


def test_anonymous_unknown_url_is_the_same_chinese_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()


def test_wrong_role_gets_a_chinese_403_page(client, personas):
    client.force_login(personas.a.staff)
    response = client.get(reverse("assessment:audit-log"))
    body = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in body and "403 Forbidden" not in body


def test_server_error_page_is_chinese_and_needs_no_request_context():
    response = server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "系统出错" in body and "Server Error" not in body
    assert "<script" not in body  # no nonce without a request: CSP would refuse it


def test_a_view_that_crashes_shows_the_chinese_500_page(client, personas, monkeypatch):
    from assessment import views

    def boom(request):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.selectors, "unit_list", boom)
    client.raise_request_exception = False
    client.force_login(personas.a.unit_admin)
    response = client.get(reverse("assessment:unit-list"))
    assert response.status_code == 500 and "系统出错" in response.content.decode()
