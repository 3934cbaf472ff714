"""The public page (/r/<token>/): no login, no navigation, no JavaScript, one small page.

CSRF: the page is exempt — it has no session to ride on — and instead requires the device
cookie (SameSite=Lax, so a cross-site form post arrives without it) and a signed form stamp
bound to that device and this card. Every refusal is a friendly Chinese page with status 200."""

from __future__ import annotations

import secrets

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from assessment.audit import client_ip

from . import public
from .forms import PublicRatingForm
from .models import BAD_LEVELS

DEVICE_COOKIE = "rd"
DEVICE_MAX_AGE = 365 * 24 * 3600


def _message(request, title: str, text: str, card=None):
    return render(
        request, "ratings/public_message.html", {"title": title, "text": text, "card": card}
    )


@csrf_exempt
def rate(request, token):
    card, state = public.card_from_token(token)
    if state == "invalid":
        return _message(
            request, _("二维码无效"), _("无法识别该二维码，请扫描窗口摆放的评价二维码。")
        )
    if state == "inactive":
        return _message(
            request,
            _("已停用"),
            _("该评价二维码已停用，请扫描窗口当前摆放的二维码。感谢您的支持！"),
        )
    if request.method not in ("GET", "HEAD", "POST"):
        return _message(request, _("暂时无法提交"), _("请重新扫码评价。"), card)
    device = request.COOKIES.get(DEVICE_COOKIE, "")
    form = PublicRatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = public.public_rating_submit(
            card=card,
            data=form.cleaned_data,
            address=client_ip(request) or "",
            device=device,
            stamp=request.POST.get("stamp", ""),
            honeypot=request.POST.get("website", ""),
        )
        if outcome.kind == "refused":
            return _message(request, _("暂时无法提交"), outcome.message, card)
        text = _("您的评价已收到，感谢您对我们工作的监督！")
        if form.cleaned_data["level"] in BAD_LEVELS:
            text += _("我们将在规定期限内核实整改并答复。")
        return _message(request, _("评价成功"), text, card)
    new_device = not device
    if new_device:
        device = secrets.token_urlsafe(18)
    context = {
        "card": card,
        "form": form,
        "dim_fields": [form["efficiency"], form["skill"], form["attitude"]],
        "stamp": public.form_stamp(card, device),
    }
    response = render(request, "ratings/public_rate.html", context)
    if new_device:
        response.set_cookie(
            DEVICE_COOKIE,
            device,
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
            path="/r/",
        )
    return response
