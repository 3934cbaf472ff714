from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("审核评鉴")

    def ready(self) -> None:
        from .ratings.providers import register

        register()  # 同事互评 and 群众满意度 score from peer and public ratings
