"""The demo MSP's documentation: per active client two domains, a certificate, licences, a network and a "Firewall"
record; some end within 30 days. Demo certificates are marked as checked, so the job never dials out for them."""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.text import slugify

from bspos.clients.models import Client
from bspos.documentation.models import (
    NOTICE_DAYS,
    Certificate,
    Domain,
    ExpiryNotice,
    Licence,
    Network,
    Record,
    RecordType,
    Relation,
)
from bspos.documentation.selectors import expiring
from bspos.documentation.services import notice_threshold
from bspos.vault.models import Credential

FIREWALL_LAYOUT = [{"name": "Model", "kind": "text", "required": True}, {"name": "Firmware", "kind": "text"},
                   {"name": "Support ends", "kind": "date"}, {"name": "Console", "kind": "url"},
                   {"name": "Mode", "kind": "choice", "choices": ["NAT", "Bridge"], "required": False}]


def load_demo_documentation(now: datetime, rng: random.Random) -> None:
    today = timezone.localdate(now)
    firewall = RecordType.objects.create(name="Firewall", layout=FIREWALL_LAYOUT)
    domains, certificates, licences, networks, records = [], [], [], [], []
    for index, client in enumerate(Client.objects.order_by("pk")):
        slug = (slugify(client.name) or f"client-{client.pk}")[:40] + f"-{client.pk}"
        soon = index % 3 == 0  # a third of the clients have something ending within 30 days
        domains += [Domain(client=client, name=f"{slug}.example", registrar=rng.choice(["Gandi", "Namecheap", "OVH"]),
                           expires_on=today + timedelta(days=rng.randint(3, 28) if soon else rng.randint(40, 400)),
                           auto_renew=not soon, shared_with_client=True),
                    Domain(client=client, name=f"{slug}.example.net", registrar="Gandi",
                           expires_on=today + timedelta(days=rng.randint(100, 700)), auto_renew=True)]
        not_after = now + timedelta(days=rng.randint(5, 25) if soon else rng.randint(60, 330))
        certificates.append(Certificate(
            client=client, host=f"www.{slug}.example", port=443, subject=f"CN=www.{slug}.example",
            issuer="CN=R11,O=Let's Encrypt,C=US", sans=[f"www.{slug}.example", f"{slug}.example"],
            not_before=not_after - timedelta(days=90), not_after=not_after, verified=True, last_checked_at=now,
            notes="Demo certificate: marked as checked so the job does not connect."))
        licences += [Licence(client=client, product="Microsoft 365 Business Premium", vendor="Microsoft",
                             seats=rng.randint(5, 40), renews_on=today + timedelta(days=rng.randint(10, 300)),
                             cost=Decimal(rng.randint(500, 9000)), key_in_vault=False),
                     Licence(client=client, product="Veeam Backup", vendor="Veeam", seats=1, key_in_vault=True,
                             renews_on=today + timedelta(days=rng.randint(20, 60)), cost=Decimal("1200.00"))]
        networks.append(Network(client=client, name="Office LAN", subnet=f"10.{index % 250}.0.0/24", vlan=10,
                                gateway=f"10.{index % 250}.0.1", dhcp_start=f"10.{index % 250}.0.100",
                                dhcp_end=f"10.{index % 250}.0.200", dns_servers=f"10.{index % 250}.0.1, 1.1.1.1"))
        records.append(Record(client=client, record_type=firewall, name="Edge firewall", values={
            "Model": rng.choice(["FortiGate 60F", "SonicWall TZ370", "pfSense 6100"]), "Firmware": "7.2",
            "Support ends": (today + timedelta(days=rng.randint(30, 900))).isoformat(), "Mode": "NAT"}))
    Domain.objects.bulk_create(domains)
    Certificate.objects.bulk_create(certificates)
    Licence.objects.bulk_create(licences)
    Network.objects.bulk_create(networks)
    Record.objects.bulk_create(records)  # values written above fit FIREWALL_LAYOUT (bulk_create skips save())


def load_demo_relations(now: datetime) -> int:
    """How things connect, per client: the edge firewall's admin login and its network, the Microsoft 365 licence's
    global admin. Then every expiry threshold already reached counts as told, except for the first three clients,
    whose notices the first run of the daily job sends (a demo of 1,000 clients does not flood the managers)."""
    kind = ContentType.objects.get_for_model
    by_client = {}
    for model, name, field in ((Record, "Edge firewall", "name"), (Network, "Office LAN", "name"),
                               (Licence, "Microsoft 365 Business Premium", "product"),
                               (Credential, "Firewall admin", "name"),
                               (Credential, "Microsoft 365 global admin", "name")):
        for client_id, pk in model.objects.filter(**{field: name}).values_list("client_id", "pk"):
            by_client.setdefault(client_id, {})[(model, name)] = pk
    pairs = [((Record, "Edge firewall"), (Credential, "Firewall admin"), "admin login"),
             ((Record, "Edge firewall"), (Network, "Office LAN"), "gateway of"),
             ((Licence, "Microsoft 365 Business Premium"), (Credential, "Microsoft 365 global admin"), "tenant admin")]
    rows = []
    for client_id, found in sorted(by_client.items()):
        for one, other, note in pairs:
            if one in found and other in found:
                (a_model, a_id), (b_model, b_id) = sorted(((kind(one[0]), found[one]), (kind(other[0]), found[other])),
                                                          key=lambda side: (side[0].pk, side[1]))
                rows.append(Relation(client_id=client_id, a_type=a_model, a_id=a_id, b_type=b_model, b_id=b_id,
                                     note=note, created_at=now))
    Relation.objects.bulk_create(rows, batch_size=2000)
    first_three = set(Client.objects.order_by("pk").values_list("pk", flat=True)[:3])
    today = timezone.localdate(now)
    ExpiryNotice.objects.bulk_create([
        ExpiryNotice(kind=item.kind, object_id=item.object_id, expires_on=item.expires_on,
                     days=notice_threshold(item.days_left), sent_at=now)
        for item in expiring(within_days=max(NOTICE_DAYS), user=None, today=today)
        if item.client_id not in first_three], batch_size=2000)
    return len(rows)
