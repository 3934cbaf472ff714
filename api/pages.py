"""The district admin's pages for API clients, and the API's documentation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from assessment.models import Region, Role
from assessment.tenancy import get_or_404, scope_for

from . import services
from .forms import ApiClientForm
from .models import ApiCall, ApiClient


def _admin_region(user) -> Region:
    regions = scope_for(user).regions_with(Role.DISTRICT_ADMIN)
    if not regions:
        raise PermissionDenied
    return Region.objects.get(pk=min(regions))


def _client(user, pk) -> ApiClient:
    regions = scope_for(user).regions_with(Role.DISTRICT_ADMIN)
    return get_or_404(ApiClient.objects.filter(region_id__in=regions), pk=pk)


@login_required
@never_cache
def client_list(request):
    region = _admin_region(request.user)
    form = ApiClientForm(request.POST or None, instance=ApiClient(region=region))
    if request.method == "POST" and form.is_valid():
        token = services.client_register(client=form.instance, by=request.user, request=request)
        return render(request, "api/token.html", {"client": form.instance, "token": token})
    clients = ApiClient.objects.filter(region=region)
    calls = ApiCall.objects.filter(client__region=region).select_related("client")[:50]
    return render(
        request, "api/client_list.html", {"form": form, "clients": clients, "calls": calls}
    )


@login_required
@require_POST
@never_cache
def client_rotate(request, pk):
    client = _client(request.user, pk)
    token = services.client_rotate(client=client, by=request.user, request=request)
    return render(request, "api/token.html", {"client": client, "token": token})


@login_required
@require_POST
def client_revoke(request, pk):
    client = _client(request.user, pk)
    services.client_revoke(client=client, by=request.user, request=request)
    messages.success(
        request, _("已停用接口客户端“%(name)s”，其令牌立即失效。") % {"name": client.name}
    )
    return redirect("api:client-list")
