from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("组织与考核")

    def ready(self) -> None:
        from indicators.models import Method
        from indicators.providers import register_provider

        from . import audit  # noqa: F401  (connects the auth signal receivers)
        from .score_providers import key_task_progress

        register_provider(Method.KEY_TASK_PROGRESS, key_task_progress)
