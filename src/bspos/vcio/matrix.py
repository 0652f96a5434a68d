"""The responsibility matrix (seed 002): a default library of responsibility areas grouped by the 7Cs, the
default parties of a virtual IT department, and saving a client's RACI grid with one Accountable per area."""

from django.core.exceptions import ValidationError
from django.db import transaction

from bspos.audit.services import delete_audited, record
from bspos.clients.models import ClientStatus
from bspos.vcio.models import Party, Responsibility

# (7C area, [(code, responsibility area)]): drawn from the services seed 002 lists under each C.
LIBRARY = [
    ("Continuous", [("backup", "Backups run and are checked"), ("restore-test", "Restore tests"),
                    ("drp", "Disaster recovery plan"), ("security-policy", "Information security policy"),
                    ("access", "User accounts, passwords and access rights"), ("mobile", "Mobile devices and BYOD"),
                    ("physical", "Physical IT security")]),
    ("Competent", [("monitoring", "Monitoring and alerts (RMM/NOC)"), ("patching", "Patching servers and desktops"),
                   ("assets", "Asset register and life cycle"), ("knowledge", "Knowledge base"),
                   ("infrastructure", "Standard, redundant infrastructure"), ("integration", "System integration")]),
    ("Charged", [("helpdesk", "Help desk and tickets"), ("sla", "Service levels"), ("maintenance",
                 "Proactive maintenance"), ("training", "End-user training"), ("reviews", "Quarterly business reviews"),
                 ("matrix", "Keeping this matrix current")]),
    ("Conscious", [("strategy", "IT strategy"), ("roadmap", "IT roadmap"), ("operational-plan",
                   "Yearly IT operational plan"), ("projects", "Project execution"),
                   ("business-alignment", "Aligning technology with business needs")]),
    ("Controlled", [("performance", "IT performance measurement"), ("audits", "IT audits"),
                    ("policies", "IT operation policies and manual"), ("change", "Change management"),
                    ("competences", "IT competences and growth plans")]),
    ("Clear", [("reporting", "IT reporting"), ("documentation", "Documentation and passwords vault"),
               ("vendors", "Vendor management"), ("licences", "Licences and subscriptions"),
               ("printing", "Printers and copiers")]),
    ("Cost effective", [("budget", "IT budget"), ("budget-control", "Budget control and reports"),
                        ("improvement", "Continuous process improvement"), ("purchasing", "IT purchasing")]),
]
AREAS = {code: (group, name) for group, rows in LIBRARY for code, name in rows}
DEFAULT_PARTIES = [("CEO", Party.Kind.CLIENT), ("CFO / finance", Party.Kind.CLIENT),
                   ("Office manager", Party.Kind.CLIENT), ("Department heads", Party.Kind.CLIENT),
                   ("Employees", Party.Kind.CLIENT), ("Internal IT contact", Party.Kind.CLIENT),
                   ("MSP service desk", Party.Kind.MSP), ("MSP engineers", Party.Kind.MSP),
                   ("MSP vCIO", Party.Kind.MSP), ("MSP account manager", Party.Kind.MSP),
                   ("Internet and telecom provider", Party.Kind.VENDOR), ("Cloud providers", Party.Kind.VENDOR),
                   ("Line-of-business software vendor", Party.Kind.VENDOR), ("Hardware supplier", Party.Kind.VENDOR),
                   ("Independent auditor", Party.Kind.VENDOR)]


def parties_of(client) -> list[Party]:
    """The client's parties (a read: none until the virtual IT department is set up)."""
    return list(client.parties.all())


@transaction.atomic
def set_up_parties(client) -> list[Party]:
    """Give a client without parties the default virtual IT department (seed 002); idempotent. Called when a
    client becomes active, before the first matrix is saved, and from the matrix page's set-up button."""
    if not client.parties.exists():
        Party.objects.bulk_create([Party(client=client, name=name, kind=kind, position=index)
                                   for index, (name, kind) in enumerate(DEFAULT_PARTIES)], ignore_conflicts=True)
    return parties_of(client)


def set_up_for_activated_client(sender, *, client, previous: str, status: str, **kwargs) -> None:
    """`clients.signals.client_status_changed` receiver: an active client has a virtual IT department."""
    if status == ClientStatus.ACTIVE and previous != ClientStatus.ACTIVE:
        set_up_parties(client)


@transaction.atomic
def add_party(client, *, name: str, kind: str, by=None) -> Party:
    name = (name or "").strip()[:100]
    if not name or kind not in Party.Kind.values:
        raise ValidationError("Give the party a name and a kind.")
    if client.parties.filter(name__iexact=name).exists():
        raise ValidationError(f"{name} is already a party.")
    set_up_parties(client)
    party = Party.objects.create(client=client, name=name, kind=kind, position=client.parties.count())
    record(by, party, None)
    return party


@transaction.atomic
def remove_party(party: Party, *, by=None) -> None:
    """Remove a party with its RACI letters."""
    delete_audited(party, by)


def grid(client) -> dict[tuple[str, int], str]:
    return {(r.area, r.party_id): r.role for r in client.responsibilities.all()}


@transaction.atomic
def save_grid(client, posted: dict) -> int:
    """Replace the client's RACI from a form (`cell-<area>-<party id>` → R/A/C/I or empty). Every area may have
    at most one Accountable; a second one refuses the whole grid with the areas named, and nothing changes."""
    parties = {p.pk: p for p in set_up_parties(client)}
    cells, accountable = [], {}
    for key, value in posted.items():
        if not key.startswith("cell-") or not value:
            continue
        area, _, party = key.removeprefix("cell-").rpartition("-")
        if area not in AREAS or not party.isdigit() or int(party) not in parties:
            raise ValidationError(f"Unknown cell {key}.")
        if value not in Responsibility.Role.values:
            raise ValidationError(f"“{value}” is not R, A, C or I.")
        if value == "A":
            accountable.setdefault(area, []).append(parties[int(party)].name)
        cells.append(Responsibility(client=client, area=area, party_id=int(party), role=value))
    doubles = {area: names for area, names in accountable.items() if len(names) > 1}
    if doubles:
        raise ValidationError("Exactly one party can be Accountable per area: "
                              + "; ".join(f"{AREAS[a][1]} has {', '.join(n)}" for a, n in doubles.items()) + ".")
    client.responsibilities.all().delete()
    Responsibility.objects.bulk_create(cells)
    return len(cells)
