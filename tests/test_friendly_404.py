"""Under `make run` (DEBUG on) an unknown address shows the product's Chinese 404 page."""

import pytest

pytestmark = pytest.mark.django_db


def test_debug_404_is_the_chinese_page(client, personas, settings):
    settings.DEBUG = True
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "assessment.middleware.FriendlyNotFoundMiddleware"]
    client.force_login(personas.a.staff)
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404 and "页面不存在" in body and "DEBUG = True" not in body
    client.logout()
    assert "页面不存在" in client.get("/no-such-page/").content.decode()
