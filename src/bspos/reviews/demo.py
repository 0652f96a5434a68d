"""The demo's client plans: a price rise at renewal for about half the active clients, the monthly summary for
every fourth (the month before last already sent by the scheduler), and a few printers without purchase or warranty
dates, so the lifecycle report has unknown rows to show."""

import random
from datetime import datetime
from decimal import Decimal

from django.db.models import F
from django.db.models.functions import Mod
from django.utils import timezone

from bspos.assets.models import Asset, AssetType
from bspos.clients.models import Client, ClientStatus, Contact
from bspos.core.dates import previous_month
from bspos.reviews.models import MonthlySummary, PlanSettings


def load_demo_plans(now: datetime, rng: random.Random) -> int:
    clients = list(Client.objects.filter(status=ClientStatus.ACTIVE).order_by("pk").values_list("pk", flat=True))
    settings = [PlanSettings(client_id=pk, renewal_increase=Decimal(rng.choice(["0", "3", "5"])),
                             monthly_summary=index % 4 == 0) for index, pk in enumerate(clients)]
    PlanSettings.objects.bulk_create(settings)
    month = previous_month(previous_month(timezone.localtime(now).date()))
    primaries = dict(Contact.objects.filter(is_primary=True, client_id__in=clients).exclude(email="")
                     .values_list("client_id", "email"))
    MonthlySummary.objects.bulk_create([
        MonthlySummary(client_id=row.client_id, month=month, sent_at=now.replace(day=2, hour=7, minute=0),
                       recipients=primaries[row.client_id])
        for row in settings if row.monthly_summary and row.client_id in primaries])
    Asset.objects.annotate(slot=Mod(F("pk"), 5)).filter(asset_type=AssetType.PRINTER, slot=0).update(
        purchased_on=None, warranty_expires=None)
    return len(settings)
