"""Contract: schemathesis generates requests from the OpenAPI schema for every endpoint (valid
and invalid ones) and sends them to the app in-process with a real client token. No answer
may be a 5xx, and every answer must be documented: status, content type, body schema."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core import signals
from django.core.serializers.json import DjangoJSONEncoder
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.models import ApiClient, Scope
from api.services import client_register

RAW = json.loads(
    json.dumps(SchemaGenerator().get_schema(request=None, public=True), cls=DjangoJSONEncoder)
)
schema = schemathesis.openapi.from_dict(RAW)
APP = get_wsgi_application()
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def token(personas, settings):
    # the app is called in-process inside the test's transaction: Django's request signals
    # would close that connection after each call (Django's own test client unhooks them too)
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield _token(personas, settings)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _token(personas, settings):
    settings.ALLOWED_HOSTS = ["*"]
    client = ApiClient(region=personas.a.region, name="契约测试", scopes=list(Scope.values))
    return client_register(client=client, by=personas.a.district_admin)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_endpoint_keeps_its_contract(case, token):
    case.call_and_validate(app=APP, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
