"""Documentation rows made through the service, so they are validated as the app would validate them."""

import factory

from bspos.clients.tests.factories import ClientFactory
from bspos.documentation import services
from bspos.documentation.models import Certificate, Domain, Licence, Network, Record, RecordType


class _ThroughService(factory.django.DjangoModelFactory):
    client = factory.SubFactory(ClientFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.create(model_class, by=None, **kwargs)


class DomainFactory(_ThroughService):
    class Meta:
        model = Domain

    name = factory.Sequence(lambda n: f"acme{n}.example")


class CertificateFactory(_ThroughService):
    class Meta:
        model = Certificate

    host = factory.Sequence(lambda n: f"www{n}.example")


class LicenceFactory(_ThroughService):
    class Meta:
        model = Licence

    product = factory.Sequence(lambda n: f"Office {n}")


class NetworkFactory(_ThroughService):
    class Meta:
        model = Network

    name = "LAN"
    subnet = "192.168.10.0/24"


class RecordTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecordType

    name = factory.Sequence(lambda n: f"Firewall {n}")
    layout = factory.LazyFunction(lambda: [{"name": "Model", "kind": "text", "required": True},
                                           {"name": "Ports", "kind": "number"},
                                           {"name": "Support ends", "kind": "date"},
                                           {"name": "Console", "kind": "url"},
                                           {"name": "Mode", "kind": "choice", "choices": ["NAT", "Bridge"]}])

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.create_record_type(by=None, **kwargs)


class RecordFactory(_ThroughService):
    class Meta:
        model = Record

    record_type = factory.SubFactory(RecordTypeFactory)
    name = "Edge firewall"
    values = factory.LazyFunction(lambda: {"Model": "FortiGate 60F"})
