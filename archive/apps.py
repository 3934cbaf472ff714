from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = _("档案与登记表")

    def ready(self) -> None:
        from . import checks  # noqa: F401 — registers the deploy check
