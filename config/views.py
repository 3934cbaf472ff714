from django.http import HttpResponse


def healthz(request):
    """Liveness probe for the load balancer; also the benchmarks' minimal-view baseline."""
    return HttpResponse("ok", content_type="text/plain")
