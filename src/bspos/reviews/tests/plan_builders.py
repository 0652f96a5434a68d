"""A client whose three-year budget forecast is worked out by hand (see the table in `EXPECTED`).

Today is 20 Nov 2026; the client's fiscal year starts in July, so the forecast covers FY2027-FY2029
(1 Jul 2026 - 30 Jun 2029).
- Agreement: flat 1,000.00 a month since Jan 2025, renewing on 15 Jan 2027 (mid fiscal year) and every 12 months,
  with a 10% price rise per renewal: 1,000 to Dec 2026, 1,100 in 2027, 1,210 in 2028, 1,331 from Jan 2029.
  A time & materials agreement has no fee and adds nothing.
- Roadmap: an approved (planned) item in FY2028 Q1 with 6,000 one-time and 200 a month (600 a quarter from it);
  a proposed and a cancelled item add nothing.
- Devices: a workstation bought 1 May 2021 (60 months: replace by 1 May 2026, past due: in today's quarter,
  FY2027 Q2, 1,200) and a laptop bought 10 Mar 2024 under the client's own policy (36 months, 1,600: replace by
  10 Mar 2027, FY2027 Q3). A device without a purchase date is left out (reported as unknown), a retired one and a
  server due in 2032 add nothing.
"""

from datetime import date
from decimal import Decimal

from bspos.agreements.models import AgreementKind
from bspos.agreements.tests.factories import AgreementFactory
from bspos.assets.models import AssetType, Lifecycle
from bspos.assets.tests.factories import AssetFactory
from bspos.clients.models import Client
from bspos.clients.tests.factories import ClientFactory
from bspos.reviews.models import PlanSettings, RefreshPolicy
from bspos.vcio.models import RoadmapStatus
from bspos.vcio.tests.factories import RoadmapItemFactory

TODAY = date(2026, 11, 20)

# quarter → (agreements, one-time, monthly, hardware, total)
EXPECTED = {
    "FY2027 Q1": ("3000.00", "0.00", "0.00", "0.00", "3000.00"),
    "FY2027 Q2": ("3000.00", "0.00", "0.00", "1200.00", "4200.00"),
    "FY2027 Q3": ("3300.00", "0.00", "0.00", "1600.00", "4900.00"),
    "FY2027 Q4": ("3300.00", "0.00", "0.00", "0.00", "3300.00"),
    "FY2028 Q1": ("3300.00", "6000.00", "600.00", "0.00", "9900.00"),
    "FY2028 Q2": ("3300.00", "0.00", "600.00", "0.00", "3900.00"),
    "FY2028 Q3": ("3630.00", "0.00", "600.00", "0.00", "4230.00"),
    "FY2028 Q4": ("3630.00", "0.00", "600.00", "0.00", "4230.00"),
    "FY2029 Q1": ("3630.00", "0.00", "600.00", "0.00", "4230.00"),
    "FY2029 Q2": ("3630.00", "0.00", "600.00", "0.00", "4230.00"),
    "FY2029 Q3": ("3993.00", "0.00", "600.00", "0.00", "4593.00"),
    "FY2029 Q4": ("3993.00", "0.00", "600.00", "0.00", "4593.00"),
}
YEARS = {"FY2027": "15400.00", "FY2028": "22260.00", "FY2029": "17646.00"}


def default_policies() -> None:
    for asset_type, months, value in (("workstation", 60, "1200.00"), ("laptop", 48, "1500.00"),
                                      ("server", 72, "9000.00")):
        RefreshPolicy.objects.update_or_create(asset_type=asset_type, client=None, defaults={
            "max_age_months": months, "replacement_value": Decimal(value)})


def forecast_client() -> Client:
    default_policies()
    client = ClientFactory(name="Forecast Ltd", fiscal_year_start=7)
    RefreshPolicy.objects.create(asset_type="laptop", client=client, max_age_months=36,
                                 replacement_value=Decimal("1600.00"))
    PlanSettings.objects.create(client=client, renewal_increase=Decimal("10"))
    AgreementFactory(client=client, kind=AgreementKind.FLAT, unit_price=Decimal("1000.00"), quantity=Decimal("1"),
                     start_date=date(2025, 1, 1), renewal_date=date(2027, 1, 15), term_months=12)
    AgreementFactory(client=client, kind=AgreementKind.TIME_AND_MATERIALS, unit_price=Decimal("0"),
                     start_date=date(2025, 1, 1))
    RoadmapItemFactory(client=client, quarter=date(2027, 7, 1), one_time=Decimal("6000"), monthly=Decimal("200"),
                       status=RoadmapStatus.PLANNED)
    RoadmapItemFactory(client=client, quarter=date(2027, 7, 1), one_time=Decimal("9999"))  # proposed
    RoadmapItemFactory(client=client, quarter=date(2027, 1, 1), one_time=Decimal("5555"), monthly=Decimal("55"),
                       status=RoadmapStatus.CANCELLED)
    AssetFactory(client=client, name="PC-OLD", asset_type=AssetType.WORKSTATION, purchased_on=date(2021, 5, 1))
    AssetFactory(client=client, name="LT-1", asset_type=AssetType.LAPTOP, purchased_on=date(2024, 3, 10),
                 warranty_expires=date(2027, 3, 10))
    AssetFactory(client=client, name="PC-NODATE", asset_type=AssetType.WORKSTATION)
    AssetFactory(client=client, name="PC-GONE", asset_type=AssetType.WORKSTATION, purchased_on=date(2019, 1, 1),
                 lifecycle=Lifecycle.RETIRED, retired_on=date(2024, 1, 1))
    AssetFactory(client=client, name="SRV-1", asset_type=AssetType.SERVER, purchased_on=date(2026, 1, 1))
    return client
