from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static


def healthz(request):
    """Liveness probe for the load balancer; also the benchmarks' minimal-view baseline."""
    return HttpResponse("ok", content_type="text/plain")


def readyz(request):
    """Readiness probe for the load balancer: 200 when this instance can serve (the database
    answers), 503 when it cannot. The broker is checked and reported too, but a broker outage
    alone keeps the instance in service: requests record their background work in the outbox
    (outbox/), which is sent when the broker is back — taking every web instance out of the
    pool because Redis is down would turn a delay into an outage."""
    from .readiness import readiness

    ready, lines = readiness()
    response = HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain", status=200 if ready else 503
    )
    response["Cache-Control"] = "no-store"
    response._has_been_logged = True  # a 503 here is an answer, not an unhandled error
    return response


def favicon(request):
    """/favicon.ico: the site's SVG icon (resolved per request: the hashed static name exists
    only once collectstatic has run)."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
