"""Sample intake data for the demo MSP: an alert source and a few alerts waiting in the unassigned queue."""

import hashlib
import secrets
from datetime import datetime, timedelta

from bspos.assets.models import Asset
from bspos.intake.models import Alert, AlertSource


def load_demo_alerts(now: datetime) -> None:
    """A few rows only (the demo also loads 1,000 clients in the bench); no tickets, so numbering is untouched."""
    token = "bsa_" + secrets.token_urlsafe(32)  # unknown to anyone: create a new token on the sources page
    source = AlertSource.objects.create(name="Alertmanager (demo)", kind=AlertSource.Kind.ALERTMANAGER,
                                        token_prefix=token[:12], token_hash=hashlib.sha256(token.encode()).hexdigest())
    unknown = [("nas01.branch.local:9100", "NAS01 volume 1 degraded", "critical"),
               ("10.20.0.14:9182", "Windows update service stopped", "warning"),
               ("printer-2f", "Printer toner below 5%", "info")]
    rows = [Alert(source=source, fingerprint=hashlib.sha1(title.encode()).hexdigest()[:16], state="firing",
                  severity=severity, title=title, host=host, labels={"instance": host, "severity": severity},
                  count=3 + index, first_seen=now - timedelta(hours=5 - index),
                  last_seen=now - timedelta(minutes=index))
            for index, (host, title, severity) in enumerate(unknown)]
    for asset in Asset.objects.filter(rmm_id__isnull=False).select_related("client").order_by("pk")[:2]:
        rows.append(Alert(source=source, fingerprint=f"demo-{asset.rmm_id}", state="resolved", severity="warning",
                          title=f"High CPU on {asset.name}", host=asset.name, asset=asset, client=asset.client,
                          first_seen=now - timedelta(days=2), last_seen=now - timedelta(days=2, minutes=-20),
                          resolved_at=now - timedelta(days=2, minutes=-20)))
    Alert.objects.bulk_create(rows)
