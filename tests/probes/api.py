import secrets

from api.models import ApiClient

from .base import Probe, no_kwargs


def _client(p) -> dict:
    client = ApiClient.objects.create(
        region=p.a.region,
        name="a人事系统",
        scopes=["roster:read"],
        token_prefix=secrets.token_hex(6),
        token_hash="0" * 64,
        created_by=p.a.district_admin,
    )
    return {"pk": client.pk}


PROBES = {
    "api:client-list": Probe(no_kwargs, ("district_admin",)),
    "api:client-rotate": Probe(_client, ("district_admin",), "post"),
    "api:client-revoke": Probe(_client, ("district_admin",), "post"),
}
