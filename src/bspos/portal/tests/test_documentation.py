"""The portal's documentation page: a contact reads what the MSP shares with their company, nothing else."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bspos.clients.tests.factories import ClientFactory, ContactFactory
from bspos.documentation.tests.factories import DomainFactory, LicenceFactory, NetworkFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact():
    return ContactFactory(client=ClientFactory(name="Acme"), user=UserFactory(role=Role.CLIENT_CONTACT))


def test_a_contact_reads_only_what_is_shared_with_their_company(client, contact):
    soon = timezone.localdate() + timedelta(days=20)
    shared = DomainFactory(client=contact.client, name="acme.example", expires_on=soon, shared_with_client=True)
    NetworkFactory(client=contact.client, name="Office LAN", shared_with_client=True)
    LicenceFactory(client=contact.client, product="Internal tool")  # not shared
    DomainFactory(client=ClientFactory(name="Globex"), name="globex.example", shared_with_client=True)
    client.force_login(contact.user)
    page = client.get("/portal/documentation/").content.decode()
    assert "acme.example" in page and "Office LAN" in page and "Ending within 90 days" in page
    assert "Internal tool" not in page and "globex.example" not in page
    assert 'href="/portal/documentation/"' in page  # in the portal's menu
    assert client.get(f"/documentation/domains/{shared.pk}/").status_code == 200


def test_nothing_shared_says_so(client, contact):
    LicenceFactory(client=contact.client, product="Internal tool")
    client.force_login(contact.user)
    page = client.get("/portal/documentation/").content.decode()
    assert "Nothing is shared with you yet" in page and "Internal tool" not in page


def test_staff_and_a_contact_without_a_company_are_refused(client):
    DomainFactory(name="acme.example", shared_with_client=True)
    for user in (UserFactory(role=Role.TECHNICIAN), UserFactory(role=Role.CLIENT_CONTACT)):  # the contact: no company
        client.force_login(user)
        response = client.get("/portal/documentation/")
        assert response.status_code == 403 and "acme.example" not in response.content.decode()
