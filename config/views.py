from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static


def healthz(request):
    """Liveness probe for the load balancer; also the benchmarks' minimal-view baseline."""
    return HttpResponse("ok", content_type="text/plain")


def favicon(request):
    """/favicon.ico: the site's SVG icon (resolved per request: the hashed static name exists
    only once collectstatic has run)."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
