import pytest
from django.test import Client as HttpClient

from bspos.assets.models import Asset, AssetType
from bspos.clients.models import Client
from bspos.intake import services
from bspos.intake.models import AlertSource


@pytest.fixture(autouse=True)
def receivers_on_loopback(monkeypatch):
    """The test receivers listen on 127.0.0.1, a network the owner must allow for webhooks."""
    monkeypatch.setenv("BSPOS_WEBHOOK_ALLOWED_NETWORKS", "127.0.0.0/8")


@pytest.fixture
def acme(db) -> Client:
    return Client.objects.create(name="Acme Dental", status="prospect")


@pytest.fixture
def web1(acme) -> Asset:
    return Asset.objects.create(client=acme, name="web1", asset_type=AssetType.SERVER, rmm_id="agent-web1")


@pytest.fixture
def source(db) -> tuple[AlertSource, str]:
    return services.create_source(name="Alertmanager prod", kind=AlertSource.Kind.ALERTMANAGER,
                                  severity_map={"critical": 1, "warning": 3})


@pytest.fixture
def api(source) -> HttpClient:
    """An HTTP client that sends the source's bearer token."""
    return HttpClient(headers={"Authorization": f"Bearer {source[1]}"})
