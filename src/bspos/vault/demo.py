"""The demo MSP's vault: a handful of credentials per client (a firewall with a TOTP seed on the first clients, a
printer password reused across clients), a share link, and a former technician whose reveals wait for rotation."""

import random
from datetime import datetime, timedelta
from functools import lru_cache

from bspos.clients.models import Client
from bspos.people.models import Role, User
from bspos.vault import crypto, services
from bspos.vault.models import Access, Credential, Folder

TOTP_SEEDS = ["JBSWY3DPEHPK3PXP", "KRSXG5CTMVRXEZLU", "MFRGGZDFMZTWQ2LK"]
ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#%&*+-=?"


@lru_cache(maxsize=64)
def _score(secret: str) -> int | None:
    return services.strength_of(secret)


def _random_secret(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(18))


def sealed_credential(client_id: int, name: str, secret: str, rng: random.Random, ring: crypto.Keyring, *,
                      now: datetime, username: str = "", url: str = "", notes: str = "", totp_seed: str = "",
                      tags: str = "", folder_id: int | None = None, shared: bool = False,
                      score=None) -> Credential:
    """An unsaved credential, sealed (for bulk_create); random secrets are strong by construction (18 characters
    of 66 symbols), so zxcvbn scores only the few fixed ones."""
    credential = Credential(client_id=client_id, name=name, username=username, url=url, tags=tags,
                            folder_id=folder_id, shared_with_client=shared, created_at=now - timedelta(days=400),
                            rotated_at=now - timedelta(days=rng.randrange(1, 720)))
    services.seal(credential, services.Opened(secret, notes, totp_seed), ring,
                  score=score or (lambda s: 4 if len(s) == 18 and s not in FIXED else _score(s)))
    return credential


FIXED = {"Printer#2019", "Summer2024!"}


def load_demo_credentials(now: datetime, rng: random.Random) -> int:
    ring = crypto.keyring()
    clients = list(Client.objects.order_by("pk").values_list("pk", "name"))
    Folder.objects.bulk_create([Folder(client_id=pk, name=name) for pk, _ in clients for name in ("Network", "Cloud")],
                               ignore_conflicts=True)
    folder = {(f.client_id, f.name): f.pk for f in Folder.objects.all()}
    rows = []
    for index, (pk, name) in enumerate(clients):
        domain = "".join(c for c in name.lower() if c.isalnum())[:20] or "client"
        rows += [
            sealed_credential(pk, "Firewall admin", _random_secret(rng), rng, ring, now=now, username="admin",
                              url=f"https://fw.{domain}.example", tags="firewall, admin",
                              folder_id=folder[(pk, "Network")], notes="Break-glass account: MFA on the token.",
                              totp_seed=TOTP_SEEDS[index] if index < len(TOTP_SEEDS) else ""),
            sealed_credential(pk, "Microsoft 365 global admin", _random_secret(rng), rng, ring, now=now,
                              username=f"admin@{domain}.example", url="https://admin.microsoft.com",
                              tags="cloud, admin", folder_id=folder[(pk, "Cloud")]),
            sealed_credential(pk, "Staff Wi-Fi", rng.choice(["Summer2024!", _random_secret(rng)]), rng, ring,
                              now=now, tags="wifi", folder_id=folder[(pk, "Network")], shared=True),
            sealed_credential(pk, "Printer web admin", "Printer#2019", rng, ring, now=now, username="admin",
                              tags="printer"),
            sealed_credential(pk, "NAS admin", _random_secret(rng), rng, ring, now=now, username="root",
                              url=f"https://nas.{domain}.example", tags="storage"),
        ]
    Credential.objects.bulk_create(rows, batch_size=1000)
    former = User.objects.create(username="former.tech", first_name="Felix", last_name="Former",
                                 role=Role.TECHNICIAN, is_active=False)
    firewalls = list(Credential.objects.filter(name="Firewall admin").order_by("pk")[:3])
    Access.objects.bulk_create([Access(credential=c, user=former, action=action, address="192.0.2.44",
                                       at=now - timedelta(days=10 + i))
                                for i, c in enumerate(firewalls) for action in ("reveal", "totp")])
    Credential.objects.filter(pk__in=[c.pk for c in firewalls]).update(rotated_at=now - timedelta(days=60))
    wifi = Credential.objects.filter(name="Staff Wi-Fi").order_by("pk").first()
    if wifi is not None:
        services.create_share_link(wifi, by=None, expires_in=timedelta(days=7), max_views=3, now=now)
    return len(rows)
