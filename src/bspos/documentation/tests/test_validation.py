"""What a technician may write: a subnet in CIDR form, a DHCP range inside it, record values that fit their type."""

import pytest
from django.core.exceptions import ValidationError

from bspos.documentation import services
from bspos.documentation.models import Network, Record
from bspos.documentation.tests.factories import NetworkFactory, RecordFactory, RecordTypeFactory

pytestmark = pytest.mark.django_db


def network(company, **fields):
    return services.create(Network, by=None, client=company, name="LAN", **fields)


def test_a_subnet_must_be_cidr_without_host_bits(company):
    for bad in ("192.168.10.0", "192.168.10.5/24", "300.1.1.0/24", "lan"):
        with pytest.raises(ValidationError) as refused:
            network(company, subnet=bad)
        assert "subnet" in refused.value.message_dict
    assert network(company, subnet=" 10.0.0.0/8 ").subnet == "10.0.0.0/8"
    assert network(company, subnet="2001:db8::/32").subnet == "2001:db8::/32"


def test_the_dhcp_range_and_gateway_lie_inside_the_subnet(company):
    with pytest.raises(ValidationError) as refused:
        network(company, subnet="192.168.10.0/24", dhcp_start="192.168.10.100", dhcp_end="192.168.11.20")
    assert "outside the subnet" in refused.value.message_dict["dhcp_end"][0]
    with pytest.raises(ValidationError) as refused:
        network(company, subnet="192.168.10.0/24", gateway="10.0.0.1")
    assert "gateway" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        network(company, subnet="192.168.10.0/24", dhcp_start="192.168.10.200", dhcp_end="192.168.10.100")
    assert "ends before it starts" in refused.value.message_dict["dhcp_end"][0]
    with pytest.raises(ValidationError) as refused:
        network(company, subnet="192.168.10.0/24", dhcp_start="192.168.10.100")
    assert "dhcp_end" in refused.value.message_dict
    saved = network(company, subnet="192.168.10.0/24", gateway="192.168.10.1", dhcp_start="192.168.10.100",
                    dhcp_end="192.168.10.200", vlan=10, dns_servers="192.168.10.1,1.1.1.1")
    assert saved.dns_servers == "192.168.10.1, 1.1.1.1"
    assert Network.objects.count() == 1


def test_a_vlan_is_1_to_4094(company):
    with pytest.raises(ValidationError) as refused:
        network(company, subnet="10.1.0.0/16", vlan=4095)
    assert "vlan" in refused.value.message_dict


def test_record_values_are_checked_against_the_layout(company):
    firewall = RecordTypeFactory()
    good = RecordFactory(client=company, record_type=firewall,
                         values={"Model": "FortiGate", "Ports": "8", "Support ends": "2027-03-01",
                                 "Console": "https://fw.example", "Mode": "NAT"})
    assert good.values == {"Model": "FortiGate", "Ports": 8, "Support ends": "2027-03-01",
                           "Console": "https://fw.example", "Mode": "NAT"}
    for values, word in [({"Model": "x", "Ports": "eight"}, "number"), ({"Model": "x", "Support ends": "soon"}, "date"),
                         ({"Model": "x", "Console": "javascript:alert(1)"}, "web address"),
                         ({"Model": "x", "Mode": "Transparent"}, "one of"), ({"Ports": 3}, "required"),
                         ({"Model": "x", "Colour": "red"}, "not a field")]:
        with pytest.raises(ValidationError) as refused:
            services.create(Record, by=None, client=company, record_type=firewall, name="Bad", values=values)
        assert word in " ".join(refused.value.message_dict["values"]), values
    assert Record.objects.count() == 1


def test_every_save_path_validates_record_values(company):
    record = RecordFactory(client=company)
    record.values = {"Model": "x", "Ports": "many"}
    with pytest.raises(ValidationError):
        record.save()  # not only the service: a shell or the admin saving the row directly
    record.refresh_from_db()
    assert record.values == {"Model": "FortiGate 60F"}


def test_a_layout_names_known_kinds_and_choices(company):
    for layout in ([], [{"name": "A", "kind": "colour"}], [{"name": "A", "kind": "choice"}],
                   [{"name": "A", "kind": "text"}, {"name": "a", "kind": "number"}]):
        with pytest.raises(ValidationError):
            services.create_record_type(by=None, name="Router", layout=layout)


def test_a_layout_change_that_existing_records_do_not_fit_is_refused_whole(company):
    record = RecordFactory(client=company)
    with pytest.raises(ValidationError) as refused:
        services.update_record_type(record.record_type, by=None, name="Renamed",
                                    layout=[{"name": "Serial", "kind": "text"}])
    assert "no longer fits" in refused.value.message_dict["layout"][0]
    record.record_type.refresh_from_db()
    assert record.record_type.name != "Renamed"


def test_a_licence_is_assigned_only_to_its_own_clients_contacts(company, other_company):
    from bspos.clients.tests.factories import ContactFactory
    from bspos.documentation.models import Licence

    stranger = ContactFactory(client=other_company)
    with pytest.raises(ValidationError) as refused:
        services.create(Licence, by=None, client=company, product="Office", seats=5, assigned_contacts=[stranger])
    assert "assigned_contacts" in refused.value.message_dict
    assert not Licence.objects.exists()


def test_network_factory_gives_a_valid_network(company):
    assert NetworkFactory(client=company).subnet == "192.168.10.0/24"
