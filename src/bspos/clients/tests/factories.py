"""Minimal clients, sites and contacts for tests."""

from datetime import date

import factory

from bspos.clients.models import Client, ClientStatus, Contact, Site


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Client {n}")
    status = ClientStatus.ACTIVE
    client_since = date(2024, 1, 1)


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    client = factory.SubFactory(ClientFactory)
    name = factory.Sequence(lambda n: f"Site {n}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    client = factory.SubFactory(ClientFactory)
    first_name = factory.Sequence(lambda n: f"Pat{n}")
    last_name = "Jones"
    email = factory.LazyAttribute(lambda c: f"{c.first_name.lower()}@{c.client.name.lower().replace(' ', '')}.test")
