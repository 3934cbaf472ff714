import pytest

from .receiver import Receiver


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture(autouse=True)
def _notify_settings(settings):
    settings.NOTIFY_EMAIL = True
    settings.NOTIFY_SITE_URL = "https://kaohe.example.gov.cn"
    settings.NOTIFY_WEBHOOK_TIMEOUT = 0.5
    settings.NOTIFY_MAX_ATTEMPTS = 3
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
