"""Tells the user when work their request queued could not be handed to the background
workers yet (the broker is down): the change is saved, the follow-up runs later."""

from __future__ import annotations

from django.contrib import messages

from . import services


class DelayedWorkNoticeMiddleware:
    """Sits after MessageMiddleware, so the notice is stored with the request's messages and
    shows on the page the user lands on (the redirect target of a POST)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = services.start_request()
        try:
            response = self.get_response(request)
        finally:
            notices = services.end_request(token)
        if notices and hasattr(request, "_messages"):
            for notice in notices:
                messages.warning(request, notice)
        return response
