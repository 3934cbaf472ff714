"""Password policy validators (SECURITY.md: composition and rotation, 等保 level 3)."""

from __future__ import annotations

import string

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import PBKDF2PasswordHasher, check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits)


def character_classes(password: str) -> int:
    found = sum(any(c in cls for c in password) for cls in CLASSES)
    found += any(not c.isalnum() for c in password)
    return found


class CharacterClassValidator:
    """At least 3 of: lower-case letters, upper-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。")
                % {"n": self.min_classes},
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return _("至少包含大写字母、小写字母、数字、符号中的 %(n)d 类。") % {"n": self.min_classes}


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with a Chinese message: Django 5.2 changed the message id and its zh-hans
    catalogue still lacks the new one, so the stock validator answers in English."""

    def get_error_message(self) -> str:
        return _("密码太短，至少需要 %(n)d 个字符。") % {"n": self.min_length}

    def get_help_text(self) -> str:
        return _("至少 %(n)d 个字符。") % {"n": self.min_length}


class NotContainingUsernameValidator:
    def validate(self, password: str, user=None) -> None:
        username = getattr(user, "username", "") or ""
        if len(username) >= 3 and username.lower() in password.lower():
            raise ValidationError(_("密码不能包含用户名。"), code="password_has_username")

    def get_help_text(self) -> str:
        return _("不能包含用户名。")


class PasswordHistoryValidator:
    """Not one of the last N passwords; records each new one and the time it was set."""

    def validate(self, password: str, user=None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        recent = user.password_history.order_by("-created", "-pk")[
            : settings.PASSWORD_HISTORY_COUNT
        ]
        if any(check_password(password, old.encoded) for old in recent):
            raise ValidationError(
                _("不能使用最近 %(n)d 次用过的密码。") % {"n": settings.PASSWORD_HISTORY_COUNT},
                code="password_reused",
            )

    def password_changed(self, password: str, user=None) -> None:
        """Runs on every save after set_password (change form, admin, manage.py), so the
        audit event is written here rather than in one view."""
        from .audit import audit
        from .models import AuditEvent, PasswordHistory, User

        now = timezone.now()
        first = not user.password_history.exists()
        User.objects.filter(pk=user.pk).update(password_changed_at=now)
        user.password_changed_at = now
        PasswordHistory.objects.create(user=user, encoded=user.password, created=now)
        keep = user.password_history.order_by("-created", "-pk").values_list("pk", flat=True)
        user.password_history.exclude(pk__in=list(keep[: settings.PASSWORD_HISTORY_COUNT])).delete()
        audit(AuditEvent.Kind.PASSWORD_CHANGED, user=user, first=first)

    def get_help_text(self) -> str:
        return _("不能与最近 %(n)d 次用过的密码相同。") % {"n": settings.PASSWORD_HISTORY_COUNT}


def password_expired(user) -> bool:
    changed = user.password_changed_at
    if changed is None:
        return True
    return (timezone.now() - changed).days >= settings.PASSWORD_MAX_AGE_DAYS


class OneTimePasswordHasher(PBKDF2PasswordHasher):
    """Initial and reset passwords (assessment/roster/services.py): random with about 70 bits,
    shown once and replaced at the first login (the account must change it), so far fewer
    PBKDF2 rounds than a chosen password needs keep them out of reach while a district's 1,300
    accounts are opened in seconds, not minutes. Django re-hashes with the default hasher at
    the first successful login."""

    algorithm = "pbkdf2_onetime"
    iterations = 1_000
