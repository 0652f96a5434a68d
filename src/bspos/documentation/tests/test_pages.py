"""The documentation pages: a technician documents a client; a client contact reads only what is shared with their
own company and meets 404 on every other documentation URL."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from bspos.documentation import services
from bspos.documentation.models import Domain, Network, Record, Relation
from bspos.documentation.tests.factories import (
    CertificateFactory,
    DomainFactory,
    LicenceFactory,
    NetworkFactory,
    RecordFactory,
)

pytestmark = pytest.mark.django_db


def test_a_technician_documents_a_domain_and_finds_it_on_the_client_page(client, tech, company):
    client.force_login(tech)
    response = client.post("/documentation/domains/new/", {
        "client": company.pk, "name": "Acme.Example", "registrar": "Gandi", "expires_on": "2027-02-01"})
    domain = Domain.objects.get()
    assert response.status_code == 302 and domain.name == "acme.example"
    page = client.get(f"/documentation/clients/{company.pk}/").content.decode()
    assert "acme.example" in page and "Gandi" not in page
    listed = client.get("/documentation/domains/", {"q": "gandi"}).content.decode()
    assert "acme.example" in listed


def test_a_refused_network_is_shown_again_with_the_error_and_what_was_typed(client, tech, company):
    client.force_login(tech)
    response = client.post("/documentation/networks/new/", {
        "client": company.pk, "name": "Guest", "subnet": "10.9.0.0/16", "dhcp_start": "10.9.0.10",
        "dhcp_end": "10.10.0.1"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "outside the subnet" in text and "10.10.0.1" in text
    assert not Network.objects.exists()


def test_record_values_are_validated_on_the_page(client, tech, company):
    record = RecordFactory(client=company)
    client.force_login(tech)
    response = client.post(f"/documentation/records/{record.pk}/edit/", {
        "client": company.pk, "record_type": record.record_type_id, "name": "Edge", "values": '{"Ports": "x"}'})
    assert response.status_code == 400 and "must be a number" in response.content.decode()
    assert Record.objects.get().values == {"Model": "FortiGate 60F"}


def test_delete_asks_for_confirmation_and_removes_the_row(client, tech, company):
    domain = DomainFactory(client=company)
    client.force_login(tech)
    assert 'hx-confirm="Delete' in client.get(f"/documentation/domains/{domain.pk}/").content.decode()
    assert client.post(f"/documentation/domains/{domain.pk}/delete/").status_code == 302
    assert not Domain.objects.exists()


def test_a_contact_reads_what_is_shared_with_their_company(client, company, contact_user):
    shared = DomainFactory(client=company, shared_with_client=True, expires_on=date(2027, 1, 1))
    internal = DomainFactory(client=company)
    client.force_login(contact_user)
    assert client.get(f"/documentation/domains/{shared.pk}/").status_code == 200
    assert client.get(f"/documentation/domains/{internal.pk}/").status_code == 404
    page = client.get(f"/documentation/clients/{company.pk}/").content.decode()
    assert shared.name in page and internal.name not in page


def test_another_companys_contact_gets_404_on_every_documentation_url(client, company, other_company, contact_user):
    rows = {"domains": DomainFactory(client=other_company, shared_with_client=True),
            "certificates": CertificateFactory(client=other_company, shared_with_client=True),
            "licences": LicenceFactory(client=other_company, shared_with_client=True),
            "networks": NetworkFactory(client=other_company, shared_with_client=True),
            "records": RecordFactory(client=other_company, shared_with_client=True)}
    client.force_login(contact_user)
    urls = ["/documentation/expiring/", "/documentation/types/", "/documentation/types/new/",
            f"/documentation/types/{rows['records'].record_type_id}/", f"/documentation/clients/{other_company.pk}/",
            f"/documentation/certificates/{rows['certificates'].pk}/check/", "/documentation/relations/add/",
            f"/documentation/relations/{services.relate(rows['domains'], rows['licences'], by=None).pk}/remove/"]
    for kind, row in rows.items():
        urls += [f"/documentation/{kind}/", f"/documentation/{kind}/new/", f"/documentation/{kind}/{row.pk}/",
                 f"/documentation/{kind}/{row.pk}/edit/", f"/documentation/{kind}/{row.pk}/delete/"]
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 404, (method, url, response.status_code)
    assert Domain.objects.count() == 1 and Relation.objects.count() == 1


def test_the_expiring_page_filters_by_window_and_kind(client, tech, company):
    DomainFactory(client=company, name="soon.example", expires_on=timezone.localdate() + timedelta(days=45))
    client.force_login(tech)
    assert "soon.example" not in client.get("/documentation/expiring/").content.decode()
    assert "soon.example" in client.get("/documentation/expiring/", {"within": 60}).content.decode()
    assert "soon.example" not in client.get("/documentation/expiring/", {"within": 60, "kind": "licence"}
                                            ).content.decode()


def test_the_ticket_page_leads_to_the_clients_documentation(client, tech, company):
    from bspos.servicedesk.tests.factories import TicketFactory

    ticket = TicketFactory(client=company)
    client.force_login(tech)
    page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert f'href="/documentation/clients/{company.pk}/"' in page
