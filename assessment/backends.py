"""Authentication backend."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    """ModelBackend whose per-request user load also brings the account's person (one join
    instead of a second query on every page: the scope, the navigation and most views read it)."""

    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.select_related("person").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
