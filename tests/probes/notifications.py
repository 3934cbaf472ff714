from notifications.models import Delivery, Notification, WebhookChannel

from .base import PERSONS, Probe, no_kwargs

EVERYONE = (*PERSONS, "system_admin", "security_admin", "auditor")


def _notification(p):
    n, _created = Notification.objects.get_or_create(
        user=p.a.staff,
        event_key="probe",
        defaults={"region": p.a.region, "kind": "result", "text": "a财政局 通知", "link": "/"},
    )
    return {"pk": n.pk}


def _channel(p):
    c, _created = WebhookChannel.objects.get_or_create(
        region=p.a.region,
        name="a财政局群",
        defaults={"kind": "wecom", "url": "http://127.0.0.1:9/cgi-bin/webhook/send?key=x"},
    )
    return {"pk": c.pk}


def _failed(p):
    c = WebhookChannel.objects.get(pk=_channel(p)["pk"])
    d, _created = Delivery.objects.get_or_create(
        key="probe-failed",
        defaults={
            "region": p.a.region,
            "channel": "wecom",
            "webhook": c,
            "subject": "s",
            "body": "a财政局",
            "status": "failed",
            "last_error": "HTTP 500",
        },
    )
    return {"pk": d.pk}


PROBES = {
    "notifications:list": Probe(no_kwargs, EVERYONE),
    "notifications:read": Probe(_notification, ("staff",), "post"),
    "notifications:read-all": Probe(no_kwargs, EVERYONE, "post"),
    "notifications:preferences": Probe(no_kwargs, EVERYONE),
    "notifications:channel-list": Probe(no_kwargs, ("district_admin",)),
    "notifications:channel-create": Probe(no_kwargs, ("district_admin",)),
    "notifications:channel-edit": Probe(_channel, ("district_admin",)),
    "notifications:channel-test": Probe(_channel, ("district_admin",), "post"),
    "notifications:delivery-retry": Probe(_failed, ("district_admin",), "post"),
}
