from assessment.models import RosterImport

from .base import Probe, no_kwargs

MANAGERS = ("unit_admin", "district_admin")


def _batch(p) -> dict:
    batch = RosterImport.objects.create(
        region=p.a.region, file_name="名册.csv", uploaded_by=p.a.district_admin
    )
    return {"pk": batch.pk}


PROBES = {
    "roster:upload": Probe(no_kwargs, MANAGERS),
    "roster:template": Probe(no_kwargs, MANAGERS),
    "roster:detail": Probe(_batch, ("district_admin",)),
    "roster:confirm": Probe(_batch, ("district_admin",), "post"),
    "roster:accounts": Probe(no_kwargs, MANAGERS),
    "roster:person-password-reset": Probe(
        lambda p: {"pk": p.a.people["staff"].pk}, MANAGERS, "post"
    ),
    "roster:password-reset": Probe(no_kwargs, ("security_admin",)),
}
