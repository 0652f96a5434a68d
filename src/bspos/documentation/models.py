"""The facts a technician looks up about a client's environment: domains, TLS certificates, software licences,
networks, and records of types the MSP defines itself (a layout of named, typed fields; values stored as JSON).

Not assets: none of these has a serial number, an RMM agent or a refresh policy (licences point at the assets and
contacts that use them). Nothing secret lives here: a licence key is a secret and belongs in the vault.
"""

import ipaddress
from datetime import date

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from bspos.assets.models import Asset
from bspos.clients.models import Client, Contact
from bspos.core.permissions import Can, can
from bspos.core.querysets import ClientOwnedQuerySet
from bspos.vault.models import Credential


class DocumentedQuerySet(ClientOwnedQuerySet):
    """Staff who read the desk see every client's documentation; a contact only what is shared with their company."""

    def contact_filter(self) -> Q:
        return Q(shared_with_client=True)


class Documented(models.Model):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(blank=True)
    shared_with_client = models.BooleanField(default=False, help_text="The client's contacts may read it.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = DocumentedQuerySet.as_manager()

    class Meta:
        abstract = True


class Domain(Documented):
    name = models.CharField(max_length=253)
    registrar = models.CharField(max_length=100, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    auto_renew = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["client", "name"], name="domain_once_per_client")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = (self.name or "").strip().lower().rstrip(".")
        labels = self.name.split(".")
        if len(labels) < 2 or not all(label and len(label) <= 63 for label in labels) or " " in self.name:
            raise ValidationError({"name": "Give a domain name such as example.com."})


class Certificate(Documented):
    host = models.CharField(max_length=253)
    port = models.PositiveIntegerField(default=443)
    issuer = models.CharField(max_length=500, blank=True)
    subject = models.CharField(max_length=500, blank=True)
    sans = models.JSONField(default=list, blank=True, help_text="Subject alternative names (DNS names).")
    not_before = models.DateTimeField(null=True, blank=True)
    not_after = models.DateTimeField(null=True, blank=True)
    verified = models.BooleanField(null=True, blank=True,
                                   help_text="Whether the chain verified against the system's CAs.")
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["host", "port"]
        constraints = [
            models.UniqueConstraint(fields=["client", "host", "port"], name="certificate_once_per_client"),
            models.CheckConstraint(condition=Q(port__gte=1, port__lte=65535), name="certificate_port_range"),
        ]

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"

    def clean(self) -> None:
        self.host = (self.host or "").strip().lower()
        if not self.host or " " in self.host or "/" in self.host:
            raise ValidationError({"host": "Give a host name or address, such as mail.example.com."})
        if not 1 <= (self.port or 0) <= 65535:
            raise ValidationError({"port": "A port is 1 to 65535."})

    @property
    def expires_on(self) -> date | None:
        return self.not_after.date() if self.not_after else None


class Licence(Documented):
    product = models.CharField(max_length=200)
    vendor = models.CharField(max_length=100, blank=True)
    seats = models.PositiveIntegerField(default=1)
    renews_on = models.DateField(null=True, blank=True)
    cost = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True,
                               help_text="Per renewal, in the client's currency.")
    key_in_vault = models.BooleanField(default=False, help_text="The licence key is stored in the vault (never here).")
    assigned_contacts = models.ManyToManyField(Contact, blank=True, related_name="+")
    assigned_assets = models.ManyToManyField(Asset, blank=True, related_name="+")

    class Meta:
        ordering = ["product"]

    def __str__(self) -> str:
        return self.product

    @property
    def expires_on(self) -> date | None:
        return self.renews_on


def _network(text: str):
    if "/" not in (text or ""):
        return None  # a bare address would read as a /32
    try:
        return ipaddress.ip_network((text or "").strip(), strict=True)
    except ValueError:
        return None


def _address(text: str):
    try:
        return ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None


class Network(Documented):
    name = models.CharField(max_length=100)
    subnet = models.CharField(max_length=50, help_text="CIDR, such as 192.168.10.0/24.")
    vlan = models.PositiveIntegerField(null=True, blank=True)
    gateway = models.CharField(max_length=45, blank=True)
    dhcp_start = models.CharField(max_length=45, blank=True)
    dhcp_end = models.CharField(max_length=45, blank=True)
    dns_servers = models.CharField(max_length=200, blank=True, help_text="Comma-separated addresses.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.subnet})"

    def clean(self) -> None:
        """The subnet is a CIDR with no host bits; gateway and DHCP range lie inside it; the range runs upwards."""
        errors = {}
        network = _network(self.subnet)
        if network is None:
            errors["subnet"] = "Give the subnet in CIDR form with no host bits set, such as 192.168.10.0/24."
        else:
            self.subnet = str(network)
        if self.vlan is not None and not 1 <= self.vlan <= 4094:
            errors["vlan"] = "A VLAN ID is 1 to 4094."
        for field in ("gateway", "dhcp_start", "dhcp_end"):
            value = (getattr(self, field) or "").strip()
            setattr(self, field, value)
            if not value:
                continue
            address = _address(value)
            if address is None:
                errors[field] = "Give an IP address, such as 192.168.10.1."
            elif network is not None and (address.version != network.version or address not in network):
                errors[field] = f"{address} is outside the subnet {network}."
        if bool(self.dhcp_start) != bool(self.dhcp_end) and not errors.keys() & {"dhcp_start", "dhcp_end"}:
            errors["dhcp_end" if self.dhcp_start else "dhcp_start"] = "A DHCP range needs both a start and an end."
        elif (network is not None and self.dhcp_start and self.dhcp_end
              and not errors.keys() & {"dhcp_start", "dhcp_end"}
              and _address(self.dhcp_end) < _address(self.dhcp_start)):
            errors["dhcp_end"] = "The DHCP range ends before it starts."
        dns = [part.strip() for part in (self.dns_servers or "").split(",") if part.strip()]
        if any(_address(part) is None for part in dns):
            errors["dns_servers"] = "DNS servers are IP addresses separated by commas."
        self.dns_servers = ", ".join(dns)
        if errors:
            raise ValidationError(errors)


class FieldKind(models.TextChoices):
    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    DATE = "date", "Date"
    URL = "url", "URL"
    CHOICE = "choice", "Choice"


def validate_layout(layout) -> list[dict]:
    """A layout is a list of {"name", "kind", "choices"?, "required"?}: names unique, kinds known, choices given."""
    if not isinstance(layout, list) or not layout:
        raise ValidationError({"layout": "A layout lists at least one field."})
    cleaned, names = [], set()
    for position, field in enumerate(layout, start=1):
        if not isinstance(field, dict):
            raise ValidationError({"layout": f"Field {position} must have a name and a kind."})
        name = str(field.get("name") or "").strip()
        kind = field.get("kind")
        if not name or len(name) > 60:
            raise ValidationError({"layout": f"Field {position} needs a name (up to 60 characters)."})
        if name.lower() in names:
            raise ValidationError({"layout": f"Two fields are called “{name}”."})
        if kind not in FieldKind.values:
            raise ValidationError({"layout": f"“{name}” has kind {kind!r}; use one of {', '.join(FieldKind.values)}."})
        entry = {"name": name, "kind": kind, "required": bool(field.get("required", False))}
        if kind == FieldKind.CHOICE:
            choices = [str(c).strip() for c in field.get("choices") or [] if str(c).strip()]
            if not choices:
                raise ValidationError({"layout": f"“{name}” is a choice: list its choices."})
            entry["choices"] = choices
        names.add(name.lower())
        cleaned.append(entry)
    return cleaned


def validate_values(layout: list[dict], values) -> dict:
    """A record's values checked against its type's layout: known fields only, each of its kind; returns them clean."""
    if not isinstance(values, dict):
        raise ValidationError({"values": "Values are a mapping of field name to value."})
    known = {field["name"]: field for field in layout}
    errors, cleaned = [], {}
    for name in values:
        if name not in known:
            errors.append(f"“{name}” is not a field of this type.")
    for name, field in known.items():
        value = values.get(name)
        if value in (None, ""):
            if field.get("required"):
                errors.append(f"“{name}” is required.")
            continue
        kind = field["kind"]
        if kind == FieldKind.NUMBER:
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                errors.append(f"“{name}” must be a number.")
                continue
            try:
                number = float(value)
            except ValueError:
                errors.append(f"“{name}” must be a number.")
                continue
            if number != number or number in (float("inf"), float("-inf")):
                errors.append(f"“{name}” must be a number.")
                continue
            cleaned[name] = int(number) if number.is_integer() and abs(number) < 2**53 else number
        elif kind == FieldKind.DATE:
            try:
                cleaned[name] = date.fromisoformat(str(value)).isoformat()
            except ValueError:
                errors.append(f"“{name}” must be a date (YYYY-MM-DD).")
        elif kind == FieldKind.URL:
            try:
                URLValidator(schemes=["http", "https"])(str(value))
                cleaned[name] = str(value)
            except ValidationError:
                errors.append(f"“{name}” must be a web address (http or https).")
        elif kind == FieldKind.CHOICE:
            if str(value) not in field["choices"]:
                errors.append(f"“{name}” must be one of {', '.join(field['choices'])}.")
            else:
                cleaned[name] = str(value)
        else:
            if not isinstance(value, (str, int, float)) or "\x00" in str(value):
                errors.append(f"“{name}” must be text.")
            else:
                cleaned[name] = str(value)[:5000]
    if errors:
        raise ValidationError({"values": errors})
    return cleaned


class RecordType(models.Model):
    """A kind of record the MSP defines ("Firewall", "Line-of-business app"), the same for every client."""

    name = models.CharField(max_length=100, unique=True)
    layout = models.JSONField(default=list)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = (self.name or "").strip()
        if not self.name:
            raise ValidationError({"name": "Give the type a name."})
        self.layout = validate_layout(self.layout)


class Record(Documented):
    record_type = models.ForeignKey(RecordType, on_delete=models.PROTECT, related_name="records")
    name = models.CharField(max_length=200)
    values = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["record_type__name", "name"]

    def __str__(self) -> str:
        return f"{self.record_type.name}: {self.name}"

    def clean(self) -> None:
        self.name = (self.name or "").strip()
        if not self.name:
            raise ValidationError({"name": "Give the record a name."})
        if self.record_type_id:
            self.values = validate_values(self.record_type.layout, self.values)

    def save(self, *args, **kwargs) -> None:
        # Every save path (service, admin, API, a shell) validates the values against the layout.
        if self.record_type_id:
            self.values = validate_values(self.record_type.layout, self.values)
        super().save(*args, **kwargs)


# --- how things connect -----------------------------------------------------------------------------------------

# What may be related to what: any two of these of one client (asset ↔ credential ↔ licence ↔ record ↔ contact).
RELATABLE: dict[str, type[models.Model]] = {
    "asset": Asset, "contact": Contact, "credential": Credential, "domain": Domain, "certificate": Certificate,
    "licence": Licence, "network": Network, "record": Record}
RELATABLE_LABELS = {"asset": "Asset", "contact": "Contact", "credential": "Credential", "domain": "Domain",
                    "certificate": "Certificate", "licence": "Licence", "network": "Network", "record": "Record"}


def relatable_kind(model: type[models.Model]) -> str | None:
    return next((kind for kind, candidate in RELATABLE.items() if candidate is model), None)


class RelationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "RelationQuerySet":
        """Staff who read the desk; a client contact never sees how their records connect (nor anybody else)."""
        return self if can(user, Can.DESK_READ) else self.none()

    def of(self, row: models.Model) -> "RelationQuerySet":
        """The relations with `row` on either side."""
        kind = ContentType.objects.get_for_model(row)
        return self.filter(Q(a_type=kind, a_id=row.pk) | Q(b_type=kind, b_id=row.pk))


class Relation(models.Model):
    """Two records of one client that connect ("the firewall's licence", "the NAS's admin login"), stored once
    whichever side it was added from: the side with the smaller (type, id) is `a` (`services.relate`)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    a_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    a_id = models.PositiveBigIntegerField()
    b_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    b_id = models.PositiveBigIntegerField()
    note = models.CharField(max_length=200, blank=True, help_text="How they connect, e.g. “admin login”.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = RelationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["a_type", "a_id", "b_type", "b_id"], name="relation_once"),
            models.CheckConstraint(condition=~Q(a_type=F("b_type"), a_id=F("b_id")), name="relation_not_to_itself"),
        ]
        # related_records: the b side (the a side is the unique constraint's index)
        indexes = [models.Index(fields=["b_type", "b_id"], name="relation_b_side")]

    def __str__(self) -> str:
        return f"{self._side(self.a_type, self.a_id)} ↔ {self._side(self.b_type, self.b_id)}"

    @staticmethod
    def _side(kind: ContentType, pk: int) -> str:
        """"Licence FortiGuard bundle" (for the audit trail and the back office), or the id once it is gone."""
        row = kind.model_class()._base_manager.filter(pk=pk).first()
        if row is None:
            return f"{kind.name} {pk}"
        return f"{kind.name.capitalize()} {row.name if isinstance(row, Contact) else row}"


# --- expiry notices ---------------------------------------------------------------------------------------------

# Days before an end at which staff are told, once each (`services.notify_expiring`).
NOTICE_DAYS = (30, 14, 7, 1, 0)


class ExpiryNotice(models.Model):
    """One notice sent for one item's end at one threshold: the job never tells twice (a new end date, such as
    a renewed domain's, starts its thresholds afresh)."""

    kind = models.CharField(max_length=20)
    object_id = models.PositiveBigIntegerField()
    expires_on = models.DateField()
    days = models.PositiveSmallIntegerField(help_text="The threshold: days before the end.")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["kind", "object_id", "expires_on", "days"],
                                               name="expiry_notice_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} ends {self.expires_on}: told {self.days} days before"
