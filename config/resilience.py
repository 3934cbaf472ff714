"""While the database is unreachable (a restart, a failover, a dropped connection) pages answer
a Chinese 503 "try again shortly" page instead of a 500 with a traceback, logged as a warning,
not as an unhandled error. Django drops the broken connection at the end of the request
(and CONN_HEALTH_CHECKS tests a kept one before reuse), so the app recovers by itself when the
database is back."""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

log = logging.getLogger("config.resilience")

UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def unavailable_response(request, exc: BaseException) -> HttpResponse:
    log.warning("database unavailable: %s %s: %s", request.method, request.path, exc)
    # the page reads nothing from the database: no user, no session, no messages
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response._has_been_logged = True  # django.request logs no "Internal Server Error"
    return response


class DatabaseUnavailableMiddleware:
    """After AuthenticationMiddleware: loads the account (the session and user queries, the
    first database access of most requests) inside a guard, and turns a view's database
    connection error into the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            getattr(request.user, "pk", None)
        except UNAVAILABLE as exc:
            return unavailable_response(request, exc)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, UNAVAILABLE):
            return unavailable_response(request, exception)
        return None


def server_error(request, template_name: str = "500.html") -> HttpResponse:
    """handler500: a connection error raised outside a view (a middleware writing the session)
    still gets the 503 page; anything else is Django's plain 500."""
    exc = sys.exc_info()[1]
    if isinstance(exc, UNAVAILABLE):
        return unavailable_response(request, exc)
    from django.views.defaults import server_error as default

    return default(request, template_name=template_name)
