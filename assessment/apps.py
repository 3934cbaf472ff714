from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("组织与考核")

    def ready(self) -> None:
        from . import audit  # noqa: F401  (connects the auth signal receivers)
