from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment.models import Region, Role
from assessment.tenancy import get_or_404, scope_for

from . import selectors, services
from .forms import ChannelForm, PreferencesForm
from .models import Delivery, WebhookChannel


@login_required
def notification_list(request):
    unread = request.GET.get("unread") == "1"
    page = Paginator(selectors.notifications_for(request.user, unread=unread), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread": unread, "unread_total": selectors.unread_count(request.user)},
    )


@login_required
@require_POST
def notification_read(request, pk):
    notification = selectors.notification_for_user(request.user, pk)
    services.notification_read(notification=notification, by=request.user)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    n = services.notifications_read_all(by=request.user)
    messages.success(request, _("已将 %(n)s 条通知标为已读。") % {"n": n})
    return redirect("notifications:list")


@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, initial=selectors.preference_modes(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_save(by=request.user, modes=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("通知偏好已保存。"))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


# -- group robots (district admin) -------------------------------------------------------------


def _admin_region(user) -> Region:
    regions = scope_for(user).regions_with(Role.DISTRICT_ADMIN)
    if not regions:
        raise PermissionDenied
    return Region.objects.get(pk=min(regions))


@login_required
def channel_list(request):
    _admin_region(request.user)
    failed = Paginator(selectors.deliveries_for_admin(request.user, failed_only=True), 30)
    return render(
        request,
        "notifications/channels.html",
        {
            "channels": selectors.channels_for_admin(request.user),
            "failed": failed.get_page(request.GET.get("page")),
        },
    )


def _channel_form(request, channel: WebhookChannel | None):
    region = channel.region if channel else _admin_region(request.user)
    form = ChannelForm(request.POST or None, instance=channel, region=region)
    if request.method == "POST" and form.is_valid():
        try:
            services.channel_save(channel=form.save(commit=False), by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("群机器人已保存。"))
            return redirect("notifications:channel-list")
    return render(request, "notifications/channel_form.html", {"form": form, "channel": channel})


@login_required
def channel_create(request):
    return _channel_form(request, None)


@login_required
def channel_edit(request, pk):
    return _channel_form(request, selectors.channel_for_admin(request.user, pk))


@login_required
@require_POST
def channel_test(request, pk):
    channel = selectors.channel_for_admin(request.user, pk)
    delivery = services.channel_test(channel=channel, by=request.user)
    if delivery.status == Delivery.Status.SENT:
        messages.success(request, _("测试消息已发送。"))
    else:
        messages.error(request, _("测试消息发送失败：%(e)s") % {"e": delivery.last_error})
    return redirect("notifications:channel-list")


@login_required
@require_POST
def delivery_retry(request, pk):
    """Send a failed delivery once more (the admin has checked the group did not get it)."""
    delivery = get_or_404(selectors.deliveries_for_admin(request.user, failed_only=True), pk=pk)
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.RETRY, next_attempt_at=delivery.created
    )
    status = services.deliver(delivery.pk)
    if status == Delivery.Status.SENT:
        messages.success(request, _("已重新发送。"))
    else:
        delivery.refresh_from_db()
        messages.error(request, _("重新发送失败：%(e)s") % {"e": delivery.last_error})
    return redirect("notifications:channel-list")
