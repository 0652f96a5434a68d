"""The demo MSP: a deterministic, realistic data set generated in bulk (`bspos demo`)."""

import json
import math
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from faker import Faker

from bspos.agreements.models import Agreement, AgreementKind
from bspos.assets.models import Asset, AssetType, Lifecycle
from bspos.catalogue.models import (
    App,
    AppClass,
    AppFee,
    AppSubscription,
    Package,
    PackageService,
    QuantityDiscount,
    Service,
    ServiceUnit,
    SevenCArea,
    VendorKind,
)
from bspos.clients.models import Client, ClientStatus, Contact, ServiceTier, Site
from bspos.core.business_time import BusinessClock
from bspos.core.dates import month_end, months_from, next_quarter
from bspos.core.services import next_numbers
from bspos.documentation.demo import load_demo_documentation, load_demo_relations
from bspos.foundation.demo import describe_leads, load_demo_foundation
from bspos.intake.demo import load_demo_alerts
from bspos.leadership.demo import load_demo_leadership
from bspos.mail.demo import load_sample_mail, load_sample_outbox
from bspos.money.models import BillingSettings, CostBasis, Invoice, ToolCost
from bspos.money.services import issue_invoices, run_billing
from bspos.notifications.demo import load_demo_notifications
from bspos.people.models import Rate, Role, User
from bspos.projects.demo import load_demo_projects
from bspos.proposals.demo import load_demo_proposals
from bspos.recurring.demo import load_demo_recurring
from bspos.reviews.demo import load_demo_plans
from bspos.reviews.models import CADENCE_DAYS, PACK_DAYS, NextStep, Recommendation, Review
from bspos.satisfaction.demo import load_demo_ratings
from bspos.satisfaction.models import Survey
from bspos.schedule.demo import load_demo_schedule
from bspos.scorecard.models import Opportunity
from bspos.servicedesk.escalation import mark_as_fired
from bspos.servicedesk.models import (
    CannedReply,
    Category,
    InternalCategory,
    Level,
    Note,
    Source,
    Status,
    Ticket,
    TicketType,
    TimeEntry,
)
from bspos.servicedesk.services import TICKET_SEQUENCE, priority_for
from bspos.sla.models import BusinessCalendar, Clock, EscalationRule, RaisePriority, SlaPlan, SlaTarget, WorkingHours
from bspos.sla.services import business_clock, compute_clocks
from bspos.timesheets.demo import load_demo_timesheets
from bspos.vault.demo import load_demo_credentials
from bspos.vcio.models import Answer, Assessment, AssessmentTemplate, Target
from bspos.vcio.services import import_built_in, suggest_roadmap

DEMO_PASSWORD = "demo"  # demo data only: a real install creates its owner with `bspos createsuperuser`
DEMO_TIME_ZONE = "America/New_York"
VERTICALS = ["Legal", "Healthcare", "Manufacturing"]
# Why the demo's churned clients left (cycled, so the seeded random draws stay as they were).
CHURN_REASONS = ["Acquired by a group with its own IT", "Moved to a cheaper provider", "Brought IT in-house",
                 "Closed the business"]
TICKETS_PER_USER_PER_MONTH = 1.6
BATCH_SIZE = 2000

Progress = Callable[[str, int, int], None]  # (step, done, total)


@dataclass
class DemoSize:
    clients: int = 40
    months: int = 12
    seed: int = 1
    today: date = field(default_factory=date.today)
    billed_months: int | None = None  # how many of the last closed months the billing run bills; None: all


@dataclass
class DemoSummary:
    clients: int
    contacts: int
    assets: int
    tickets: int
    notes: int
    time_entries: int
    staff_logins: list[str]
    contact_logins: list[str]


# (impact, urgency) weights: gives roughly P1 3%, P2 12%, P3 50%, P4 35%.
IMPACT_URGENCY_WEIGHTS = [
    ((Level.HIGH, Level.HIGH), 3), ((Level.HIGH, Level.MEDIUM), 6), ((Level.MEDIUM, Level.HIGH), 6),
    ((Level.HIGH, Level.LOW), 5), ((Level.MEDIUM, Level.MEDIUM), 35), ((Level.LOW, Level.HIGH), 10),
    ((Level.MEDIUM, Level.LOW), 15), ((Level.LOW, Level.MEDIUM), 12), ((Level.LOW, Level.LOW), 8),
]
SOURCE_WEIGHTS = [(Source.EMAIL, 40), (Source.PORTAL, 25), (Source.PHONE, 20), (Source.ALERT, 12), (Source.API, 3)]
TYPE_WEIGHTS = [(TicketType.INCIDENT, 55), (TicketType.SERVICE_REQUEST, 35), (TicketType.CHANGE, 7),
                (TicketType.PROBLEM, 3)]

SUBJECTS: dict[str, list[str]] = {
    Category.HARDWARE: ["Laptop will not power on", "Monitor flickering", "Docking station not detected",
                        "Keyboard keys sticking", "Disk health warning on workstation"],
    Category.SOFTWARE: ["Outlook keeps crashing", "Install accounting software update", "Teams audio not working",
                        "Excel add-in missing", "Line-of-business app error on start"],
    Category.NETWORK: ["Wi-Fi drops in meeting room", "VPN cannot connect", "Slow internet at branch office",
                       "Switch port down", "DNS resolution failing"],
    Category.EMAIL: ["Shared mailbox access", "Emails stuck in outbox", "Phishing email reported",
                     "Calendar not syncing on phone", "Distribution list change"],
    Category.ACCESS: ["New starter account", "Password reset", "Leaver account removal", "MFA device replacement",
                      "Folder permission request"],
    Category.SECURITY: ["Antivirus detection quarantined file", "Suspicious sign-in alert", "Firewall rule request",
                        "Unpatched server flagged", "USB device blocked"],
    Category.BACKUP: ["Backup job failed", "Restore deleted folder", "Backup storage nearly full",
                      "Test restore for audit"],
    Category.PRINTING: ["Printer offline", "Scan to email not working", "Toner replacement", "Print queue stuck"],
    Category.OTHER: ["Question about invoice of licences", "Move desk and equipment", "Conference room setup"],
}
CATEGORY_WEIGHTS = [(Category.HARDWARE, 14), (Category.SOFTWARE, 22), (Category.NETWORK, 10),
                    (Category.EMAIL, 14), (Category.ACCESS, 18), (Category.SECURITY, 8), (Category.BACKUP, 5),
                    (Category.PRINTING, 6), (Category.OTHER, 3)]
ALERT_SUBJECTS = ["CPU above 95% for 15 minutes", "Disk C: below 10% free", "Server not responding to ping",
                  "Backup job failed", "Windows service stopped", "RAID array degraded"]
FIRST_REPLIES = ["Thanks for reporting this, I'm looking into it now.",
                 "I've picked this up and will connect remotely shortly.",
                 "Acknowledged. Could you confirm when this started?"]
INTERNAL_NOTES = ["Checked event logs, nothing obvious yet.", "Remote session: reproduced the issue.",
                  "Escalating: needs server access.", "Vendor case opened."]
RESOLUTIONS = ["Resolved: settings corrected and tested with the user.", "Fixed after applying the latest update.",
               "Hardware replaced under warranty; user confirmed working.", "Access granted and verified."]

# Service tiers in turn: 45% silver, 35% gold, 20% platinum.
TIER_CYCLE = [ServiceTier(code) for code in "SGSPGSGSPGSGSPGSSGPS".translate(
    str.maketrans({"S": "silver ", "G": "gold ", "P": "platinum "})).split()]
# Per tier: (users range, per-user price, SLA plan name).
TIER_PROFILE = {
    ServiceTier.SILVER: ((8, 30), Decimal("95.00"), "Silver business hours"),
    ServiceTier.GOLD: ((20, 50), Decimal("140.00"), "Gold business hours"),
    ServiceTier.PLATINUM: ((35, 80), Decimal("185.00"), "Platinum extended hours"),
}
# Which catalogue services (by position) each package includes; the rest are extra.
PACKAGE_SERVICES = {ServiceTier.SILVER: {0, 2, 4, 5}, ServiceTier.GOLD: {0, 2, 3, 4, 5, 6, 7, 8},
                    ServiceTier.PLATINUM: {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}
PACKAGE_TEXT = {
    ServiceTier.SILVER: "Remote help desk in business hours, patching, backup and email security.",
    ServiceTier.GOLD: "Silver plus server monitoring, security training, Microsoft 365 and network management.",
    ServiceTier.PLATINUM: "Everything but projects: on-site support, vCIO reviews and vendor management included.",
}
# Flat fee per app per user by class: (no package, Silver, Gold, Platinum).
APP_FEES = {AppClass.LIGHT: [Decimal(v) for v in ("3.00", "2.50", "2.00", "1.50")],
            AppClass.MEDIUM: [Decimal(v) for v in ("6.00", "5.00", "4.50", "4.00")],
            AppClass.PRO: [Decimal(v) for v in ("12.00", "10.00", "9.00", "8.00")]}
APPS = [("Microsoft 365 Business Premium", "Microsoft", VendorKind.GENERAL, AppClass.MEDIUM, "22.00"),
        ("Google Workspace", "Google", VendorKind.GENERAL, AppClass.MEDIUM, "14.00"),
        ("Salesforce Sales Cloud", "Salesforce", VendorKind.GENERAL, AppClass.PRO, "80.00"),
        ("Todoist Business", "Doist", VendorKind.NICHE, AppClass.LIGHT, "6.00"),
        ("Clio Manage", "Clio", VendorKind.NICHE, AppClass.PRO, "89.00"),
        ("Dropbox Business", "Dropbox", VendorKind.GENERAL, AppClass.LIGHT, "15.00"),
        ("HubSpot Marketing", "HubSpot", VendorKind.GENERAL, AppClass.PRO, "45.00"),
        ("Zoom Workplace", "Zoom", VendorKind.GENERAL, AppClass.LIGHT, "13.00"),
        ("Xero", "Xero", VendorKind.NICHE, AppClass.MEDIUM, "30.00")]
TOOL_COSTS = [("RMM agent", CostBasis.PER_ASSET, "3.50"), ("Endpoint detection and response", CostBasis.PER_ASSET,
              "4.25"), ("Email filtering seat", CostBasis.PER_USER, "1.80"), ("Documentation platform", CostBasis.FLAT,
                                                                              "25.00")]

# Cost and bill rate per hour by tier (1-3), for the owner and for the vCIO; a raise mid-period.
TECH_RATES = {1: (Decimal("28.00"), Decimal("95.00")), 2: (Decimal("38.00"), Decimal("125.00")),
              3: (Decimal("52.00"), Decimal("165.00"))}
OWNER_RATE = (Decimal("70.00"), Decimal("195.00"))
VCIO_RATE = (Decimal("60.00"), Decimal("180.00"))
TIER_MINUTES = {1: 18, 2: 42, 3: 65}  # median minutes of work per ticket by tier


def _pick(rng: random.Random, weighted: list) -> object:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]






def _business_days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)
            if (start + timedelta(days=i)).weekday() < 5]


class DemoBuilder:
    """Builds the demo MSP in one transaction; figures are shaped after seed 000/003 benchmarks."""

    def __init__(self, size: DemoSize, progress: Progress | None = None) -> None:
        self.size = size
        self.rng = random.Random(size.seed)
        self.faker = Faker("en_US")
        self.faker.seed_instance(size.seed)
        self.zone = ZoneInfo(DEMO_TIME_ZONE)
        self.progress = progress or (lambda step, done, total: None)
        self.password = make_password(DEMO_PASSWORD, salt=f"bsposdemo{size.seed}")
        # Nothing is generated in the future: 15:00 on the demo's day, or the real now if that is earlier.
        self.now = min(datetime.combine(size.today, time(15, 0), self.zone), timezone.now())
        self.window_start = months_from(date(size.today.year, size.today.month, 1), 1)[0]
        for _ in range(size.months - 1):
            self.window_start = (self.window_start - timedelta(days=1)).replace(day=1)
        self.counts = dict.fromkeys(["contacts", "assets", "tickets", "notes", "time_entries"], 0)
        self.last_id: dict[type, int] = {}

    # --- reference data ---------------------------------------------------------------------------------------
    def build_sla(self) -> None:
        office = BusinessCalendar.objects.create(name="New York office hours", time_zone=DEMO_TIME_ZONE,
                                                 holiday_country="US", holiday_subdivision="NY")
        extended = BusinessCalendar.objects.create(name="New York extended hours", time_zone=DEMO_TIME_ZONE,
                                                   holiday_country="US", holiday_subdivision="NY")
        WorkingHours.objects.bulk_create(
            [WorkingHours(calendar=office, weekday=d, starts=time(8), ends=time(18)) for d in range(5)]
            + [WorkingHours(calendar=extended, weekday=d, starts=time(7), ends=time(20)) for d in range(5)]
            + [WorkingHours(calendar=extended, weekday=5, starts=time(9), ends=time(13))]
        )
        targets = {  # (first response, resolution) business minutes for P1..P4
            "Silver business hours": (office, [(60, 480), (120, 960), (240, 1920), (480, 4800)]),
            "Gold business hours": (office, [(30, 240), (60, 600), (120, 1440), (240, 2880)]),
            "Platinum extended hours": (extended, [(15, 240), (30, 480), (60, 1200), (120, 2400)]),
        }
        self.plans: dict[str, SlaPlan] = {}
        self.targets: dict[int, dict[int, SlaTarget]] = {}
        self.clocks: dict[int, BusinessClock] = {}
        for name, (calendar, minutes) in targets.items():
            # Waiting on client: remind after 3 business days, resolve 4 later; escalation at 75% and 90% used.
            plan = SlaPlan.objects.create(name=name, calendar=calendar, remind_after_days=3, resolve_after_days=4)
            EscalationRule.objects.bulk_create([
                EscalationRule(plan=plan, target=Clock.RESOLUTION, percent=75, notify_assignee=True),
                EscalationRule(plan=plan, target=Clock.RESOLUTION, percent=90, notify_managers=True,
                               raise_priority=RaisePriority.ONE_STEP),
                EscalationRule(plan=plan, target=Clock.FIRST_RESPONSE, percent=90, notify_assignee=True),
            ])
            SlaTarget.objects.bulk_create(
                [SlaTarget(plan=plan, priority=p, first_response_minutes=fr, resolution_minutes=res)
                 for p, (fr, res) in enumerate(minutes, start=1)])
            self.plans[name] = plan
            self.targets[plan.pk] = {t.priority: t for t in plan.targets.all()}
        for calendar in (office, extended):
            clock = business_clock(calendar)
            for plan in self.plans.values():
                if plan.calendar_id == calendar.pk:
                    self.clocks[plan.pk] = clock

    def build_catalogue(self) -> None:
        rows = [
            ("Help desk (remote support)", ServiceUnit.PER_USER, SevenCArea.CONTINUOUS),
            ("On-site support", ServiceUnit.PER_HOUR, SevenCArea.CONTINUOUS),
            ("Endpoint management and patching", ServiceUnit.PER_DEVICE, SevenCArea.CONTROLLED),
            ("Server monitoring", ServiceUnit.PER_DEVICE, SevenCArea.CONTINUOUS),
            ("Backup and disaster recovery", ServiceUnit.PER_DEVICE, SevenCArea.CONTINUOUS),
            ("Email security and filtering", ServiceUnit.PER_USER, SevenCArea.CONTROLLED),
            ("Security awareness training", ServiceUnit.PER_USER, SevenCArea.CONSCIOUS),
            ("Microsoft 365 administration", ServiceUnit.PER_USER, SevenCArea.COMPETENT),
            ("Network management", ServiceUnit.FLAT, SevenCArea.CHARGED),
            ("vCIO strategic reviews", ServiceUnit.FLAT, SevenCArea.CLEAR),
            ("Licence and vendor management", ServiceUnit.FLAT, SevenCArea.COST_EFFECTIVE),
            ("Projects and installations", ServiceUnit.PER_HOUR, SevenCArea.CHARGED),
        ]
        prices = {ServiceUnit.PER_USER: Decimal("25.00"), ServiceUnit.PER_DEVICE: Decimal("12.00"),
                  ServiceUnit.FLAT: Decimal("450.00"), ServiceUnit.PER_HOUR: Decimal("150.00")}
        self.services = Service.objects.bulk_create(
            [Service(name=name, unit=unit, area=area, price=prices[unit]) for name, unit, area in rows])
        self.packages = {}
        for rank, (tier, included) in enumerate(PACKAGE_SERVICES.items(), start=1):
            package = Package.objects.create(name=tier.label, rank=rank, description=PACKAGE_TEXT[tier])
            self.packages[tier] = package
            PackageService.objects.bulk_create([
                PackageService(package=package, service=service, is_included=index in included,
                               limits="business hours" if index == 0 and tier == ServiceTier.SILVER else "")
                for index, service in enumerate(self.services)])
        for app_class, fees in APP_FEES.items():
            AppFee.objects.create(app_class=app_class, package=None, fee_per_user=fees[0])
            for tier, fee in zip(self.packages, fees[1:], strict=True):
                AppFee.objects.create(app_class=app_class, package=self.packages[tier], fee_per_user=fee)
        QuantityDiscount.objects.bulk_create([QuantityDiscount(min_apps=3, percent=Decimal("5")),
                                              QuantityDiscount(min_apps=6, percent=Decimal("10"))])
        self.apps = App.objects.bulk_create([
            App(name=name, vendor=vendor, vendor_kind=kind, app_class=app_class, licence_price=Decimal(price))
            for name, vendor, kind, app_class, price in APPS])
        BillingSettings.objects.update_or_create(pk=1, defaults={
            "company_name": "Northwind Business Solutions", "tax_rate": Decimal("8.00"),
            "company_address": "200 Park Avenue South\nNew York, NY 10003"})

    def build_people(self) -> None:
        techs = max(8, math.ceil(8 * self.size.clients / 40))
        tiers = [1, 1, 1, 2, 2, 2, 3, 3]  # tier 1 carries most tickets, tier 3 the hardest
        people = [User(username="owner", first_name="Olivia", last_name="Owens", role=Role.OWNER,
                       is_staff=True, is_superuser=True, tier=3, weekly_hours=Decimal("60")),
                  User(username="manager", first_name="Marcus", last_name="Mendez", role=Role.SERVICE_MANAGER,
                       is_staff=True, is_superuser=True, tier=3),
                  User(username="vcio", first_name="Vera", last_name="Castillo", role=Role.VCIO),
                  User(username="finance", first_name="Frank", last_name="Ito", role=Role.FINANCE)]
        for number in range(1, techs + 1):
            people.append(User(username=f"tech{number}", first_name=self.faker.first_name(),
                               last_name=self.faker.last_name(), role=Role.TECHNICIAN,
                               tier=tiers[(number - 1) % len(tiers)]))
        for person in people:
            person.password = self.password
            person.email = f"{person.username}@demo-msp.example"
        User.objects.bulk_create(people)
        self.staff_usernames = [p.username for p in people]
        # Ordered: the technicians' order feeds rng.choice, so an unordered query would make the demo depend on
        # the database's plan (seen on PostgreSQL once statistics existed).
        self.staff = {u.username: u for u in User.objects.filter(
            username__in=[p.username for p in people]).order_by("pk")}
        self.technicians = [u for u in self.staff.values() if u.role == Role.TECHNICIAN]
        self.by_tier = {tier: [u for u in self.technicians if u.tier == tier] for tier in (1, 2, 3)}
        # Rate history: the rate at the start of the window, then a raise halfway through.
        raise_day = self.window_start + (self.size.today - self.window_start) / 2
        self.rate_history: dict[int, list[tuple[date, Decimal, Decimal]]] = {}
        rates = []
        for user in self.staff.values():
            base = {Role.OWNER: OWNER_RATE, Role.VCIO: VCIO_RATE}.get(user.role) or TECH_RATES.get(user.tier or 2)
            if user.role in (Role.FINANCE, Role.SERVICE_MANAGER):
                base = (Decimal("45.00"), Decimal("0.00"))
            raised = (base[0] * Decimal("1.05")).quantize(Decimal("0.01")), base[1]
            history = [(self.window_start - timedelta(days=730), *base), (raise_day, *raised)]
            self.rate_history[user.pk] = history
            rates += [Rate(user=user, effective_from=day, cost_rate=cost, bill_rate=bill)
                      for day, cost, bill in history]
        Rate.objects.bulk_create(rates)
        self.owner = self.staff["owner"]

    def rate_for(self, user: User, day: date) -> tuple[Decimal, Decimal]:
        in_force = [r for r in self.rate_history[user.pk] if r[0] <= day]
        return in_force[-1][1], in_force[-1][2]

    # --- clients ----------------------------------------------------------------------------------------------
    def build_clients(self) -> None:
        rng, today = self.rng, self.size.today
        names: set[str] = set()
        clients = []
        count = self.size.clients
        # Fates in fixed shares, shuffled: ~8% prospects, ~12% churned during the window, ~15% won during it.
        fates = (["prospect"] * max(1, round(count * 0.08)) + ["churned"] * max(1, round(count * 0.12))
                 + ["new"] * round(count * 0.15))[: max(count - 1, 0)]
        fates += ["established"] * (count - len(fates))
        rng.shuffle(fates)
        window_days = (today - self.window_start).days
        for index, fate in enumerate(fates):
            name = self.faker.company()
            while name in names:
                name = f"{self.faker.company()} {self.faker.city_suffix()}"
            names.add(name)
            tier = TIER_CYCLE[index % len(TIER_CYCLE)]
            status, since, churned = ClientStatus.ACTIVE, None, None
            if fate == "prospect":
                status = ClientStatus.PROSPECT
            elif fate == "new":
                since = self.window_start + timedelta(days=rng.randrange(max(window_days - 30, 1)))
            else:
                since = self.window_start - timedelta(days=rng.randrange(120, 9 * 365))
            if fate == "churned":
                earliest = self.window_start + timedelta(days=min(30, window_days // 3))
                status = ClientStatus.CHURNED
                churned = earliest + timedelta(days=rng.randrange(max((today - earliest).days - 7, 1)))
            clients.append(Client(
                name=name, status=status, vertical=VERTICALS[index % len(VERTICALS)], service_tier=tier,
                prospect_since=(since or today) - timedelta(days=rng.randrange(30, 200)),
                client_since=since, churned_on=churned, account_manager=self.staff["vcio"],
                churn_reason=CHURN_REASONS[index % len(CHURN_REASONS)] if churned else "",
                phone=self.faker.phone_number(), website=f"https://{slugify(name)[:40]}.example",
            ))
        Client.objects.bulk_create(clients, batch_size=BATCH_SIZE)
        self.clients = list(Client.objects.order_by("pk"))

    def build_client_details(self) -> None:
        """Sites, contacts (one portal login per client), agreements and assets."""
        rng = self.rng
        sites, contacts, agreements, assets, logins = [], [], [], [], []
        self.users_at: dict[int, int] = {}
        kinds = [AgreementKind.PER_USER, AgreementKind.PER_DEVICE, AgreementKind.PER_USER, AgreementKind.FLAT,
                 AgreementKind.BLOCK_HOURS, AgreementKind.PER_USER, AgreementKind.TIME_AND_MATERIALS,
                 AgreementKind.PER_DEVICE]
        rmm_counter = 0
        used_usernames: set[str] = set()
        for index, client in enumerate(self.clients):
            (low, high), per_user, plan_name = TIER_PROFILE[ServiceTier(client.service_tier)]
            users = rng.randint(low, high) if client.status != ClientStatus.PROSPECT else rng.randint(5, 40)
            self.users_at[client.pk] = users
            site_count = 1 + (users > 30) + (users > 60)
            for s in range(site_count):
                sites.append(Site(client=client, name="Head office" if s == 0 else f"Branch {s}",
                                  address=self.faker.street_address(), city=self.faker.city(), country="US",
                                  time_zone=DEMO_TIME_ZONE))
            for c in range(users):
                first, last = self.faker.first_name(), self.faker.last_name()
                contacts.append(Contact(client=client, first_name=first, last_name=last,
                                        email=f"{first}.{last}@{slugify(client.name)[:30]}.example".lower(),
                                        phone=self.faker.phone_number(), job_title=self.faker.job()[:100],
                                        is_primary=c == 0, is_billable_user=c < users - users // 10))
            if client.status == ClientStatus.PROSPECT:
                continue
            username = slugify(client.name)[:28] or f"client{index}"
            while username in used_usernames:
                username = f"{username[:24]}{rng.randrange(1000)}"
            used_usernames.add(username)
            logins.append(User(username=username, password=self.password, role=Role.CLIENT_CONTACT,
                               first_name=contacts[-users].first_name, last_name=contacts[-users].last_name,
                               email=contacts[-users].email))
            kind = kinds[len(agreements) % len(kinds)]  # every kind appears among the first eight served
            devices = int(users * 0.9) + 3
            price, quantity, block = {
                AgreementKind.PER_USER: (per_user, users, None),
                AgreementKind.PER_DEVICE: ((per_user * Decimal("0.6")).quantize(Decimal("1")), devices, None),
                AgreementKind.FLAT: ((per_user * users * Decimal("0.95")).quantize(Decimal("10")), 1, None),
                AgreementKind.BLOCK_HOURS: (Decimal("1900.00"), 1, Decimal("20")),
                AgreementKind.TIME_AND_MATERIALS: (Decimal("0.00"), 1, None),
            }[kind]
            monthly = {AgreementKind.PER_USER: price * users, AgreementKind.PER_DEVICE: price * devices,
                       AgreementKind.TIME_AND_MATERIALS: Decimal("1500")}.get(kind, price * quantity)
            agreements.append(Agreement(
                client=client, name=f"{client.get_service_tier_display()} {AgreementKind(kind).label} agreement",
                kind=kind, unit_price=price, quantity=quantity, block_hours=block, hourly_rate=Decimal("150.00"),
                start_date=client.client_since, end_date=client.churned_on, term_months=12,
                renewal_date=self._renewal(client.client_since), sla_plan=self.plans[plan_name],
                package=self.packages[ServiceTier(client.service_tier)],
                # value delivered: mostly 3-5x the price; some priced above a third of their value
                monthly_value=(monthly * Decimal(rng.choice([2.5, 3.2, 3.6, 4.0, 4.5, 5.0]))).quantize(Decimal("10")),
            ))
            for a in range(devices + rng.randint(1, 6)):
                rmm_counter += 1
                assets.append(self._asset(client, a, devices, rmm_counter))
        Site.objects.bulk_create(sites, batch_size=BATCH_SIZE)
        Contact.objects.bulk_create(contacts, batch_size=BATCH_SIZE)
        User.objects.bulk_create(logins, batch_size=BATCH_SIZE)
        Agreement.objects.bulk_create(agreements, batch_size=BATCH_SIZE)
        Asset.objects.bulk_create(assets, batch_size=BATCH_SIZE)
        self._link_logins(logins)
        self._include_services()
        self.counts["contacts"], self.counts["assets"] = len(contacts), len(assets)
        self.contact_logins = [u.username for u in logins]
        self.contacts_of: dict[int, list[int]] = {}
        for contact_id, client_id in Contact.objects.values_list("pk", "client_id").order_by("pk"):
            self.contacts_of.setdefault(client_id, []).append(contact_id)
        self.assets_of: dict[int, list[int]] = {}
        for asset_id, client_id in Asset.objects.values_list("pk", "client_id").order_by("pk"):
            self.assets_of.setdefault(client_id, []).append(asset_id)
        self.agreement_of = {a.client_id: a for a in Agreement.objects.order_by("pk")}

    def _renewal(self, since: date) -> date:
        renewal = since.replace(day=min(since.day, 28))
        while renewal <= self.size.today:
            renewal = renewal.replace(year=renewal.year + 1)
        return renewal

    def _asset(self, client: Client, index: int, devices: int, rmm_counter: int) -> Asset:
        rng = self.rng
        if index < devices:
            kind = AssetType.LAPTOP if rng.random() < 0.55 else AssetType.WORKSTATION
            system = _pick(rng, [("Windows 11 Pro", 70), ("Windows 10 Pro", 20), ("macOS 15", 10)])
        else:
            kind = _pick(rng, [(AssetType.SERVER, 3), (AssetType.NETWORK, 3), (AssetType.FIREWALL, 1),
                               (AssetType.PRINTER, 3), (AssetType.VIRTUAL_MACHINE, 2)])
            system = {AssetType.SERVER: "Windows Server 2022", AssetType.VIRTUAL_MACHINE: "Ubuntu 24.04"}.get(
                kind, "")
        purchased = self.size.today - timedelta(days=rng.randrange(30, 7 * 365))
        years = 5 if kind in (AssetType.SERVER, AssetType.NETWORK, AssetType.FIREWALL) else 3
        age_years = (self.size.today - purchased).days / 365
        lifecycle = Lifecycle.RETIRED if age_years > 6 else Lifecycle.ACTIVE
        seen = None
        if lifecycle == Lifecycle.ACTIVE and client.status == ClientStatus.ACTIVE:
            seen = self.now - timedelta(minutes=rng.randrange(1, 60 * 24 * 3))
        prefix = {AssetType.LAPTOP: "LT", AssetType.WORKSTATION: "WS", AssetType.SERVER: "SRV",
                  AssetType.NETWORK: "SW", AssetType.FIREWALL: "FW", AssetType.PRINTER: "PRN",
                  AssetType.VIRTUAL_MACHINE: "VM"}[kind]
        return Asset(
            client=client, asset_type=kind, name=f"{slugify(client.name)[:10].upper()}-{prefix}{index + 1:03d}",
            serial_number=f"SN{rng.randrange(10**9):09d}", manufacturer=_pick(rng, [("Dell", 5), ("HP", 3),
                                                                                  ("Lenovo", 3), ("Cisco", 1)]),
            operating_system=system, rmm_id=f"demo-agent-{rmm_counter:07d}", last_seen=seen,
            purchased_on=purchased, warranty_expires=purchased + timedelta(days=365 * years),
            lifecycle=lifecycle,
        )

    def _link_logins(self, logins: list[User]) -> None:
        by_username = dict(User.objects.filter(role=Role.CLIENT_CONTACT).values_list("username", "pk"))
        primaries = {c.client_id: c for c in Contact.objects.filter(is_primary=True)}
        updates = []
        for client, login in zip([c for c in self.clients if c.status != ClientStatus.PROSPECT], logins,
                                 strict=True):
            contact = primaries[client.pk]
            contact.user_id = by_username[login.username]
            updates.append(contact)
        Contact.objects.bulk_update(updates, ["user"], batch_size=BATCH_SIZE)

    def _include_services(self) -> None:
        through = Agreement.included_services.through
        core = self.services[:1] + self.services[2:6]
        rows = []
        for agreement in Agreement.objects.select_related("client"):
            if agreement.kind == AgreementKind.TIME_AND_MATERIALS:
                continue
            included = list(core)
            if agreement.client.service_tier in (ServiceTier.GOLD, ServiceTier.PLATINUM):
                included += self.services[6:9]
            if agreement.client.service_tier == ServiceTier.PLATINUM:
                included += self.services[9:11]
            rows += [through(agreement_id=agreement.pk, service_id=s.pk) for s in included]
        through.objects.bulk_create(rows, batch_size=BATCH_SIZE)

    # --- delivery: tickets, notes, time -----------------------------------------------------------------------
    # Rows are plain dicts of column values written by insert_rows (COPY on PostgreSQL): at a million tickets,
    # building model instances and compiling INSERTs would take most of the time. The database is empty, so
    # ids are handed out here and the sequences are reset at the end.
    def build_month(self, month: date) -> None:
        rng = self.rng
        last_day = min(month_end(month), self.size.today)
        tickets: list[dict] = []
        for client in self.clients:
            if client.status == ClientStatus.PROSPECT:
                continue
            first = max(month, client.client_since)
            last = min(last_day, client.churned_on or last_day)
            days = _business_days(first, last)
            if not days:
                continue
            mean = self.users_at[client.pk] * TICKETS_PER_USER_PER_MONTH * len(days) / 21
            count = max(0, round(rng.gauss(mean, math.sqrt(mean))))
            tickets += [self._ticket(client, days, last) for _ in range(count)]
        tickets = [t for t in tickets if t["created_at"] <= self.now]
        tickets.sort(key=lambda t: t["created_at"])
        notes, entries = [], []
        if tickets:
            for ticket, number in zip(tickets, next_numbers(TICKET_SEQUENCE, len(tickets)), strict=True):
                ticket["id"] = ticket["number"] = number
            for ticket in tickets:
                notes += self._notes(ticket)
                entries += self._ticket_time(ticket)
        entries += self._internal_time(month, last_day)
        for row in notes:
            row["id"] = self._next_id(Note)
        for row in entries:
            row["id"] = self._next_id(TimeEntry)
        insert_rows(Ticket, tickets)
        insert_rows(Note, notes)
        insert_rows(TimeEntry, entries)
        self.counts["tickets"] += len(tickets)
        self.counts["notes"] += len(notes)
        self.counts["time_entries"] += len(entries)

    def _next_id(self, model: type) -> int:
        self.last_id[model] = self.last_id.get(model, 0) + 1
        return self.last_id[model]

    def _created_at(self, days: list[date], after_hours: bool) -> datetime:
        rng = self.rng
        day = rng.choice(days)
        if after_hours:  # alerts fire around the clock, weekends included
            day += timedelta(days=rng.choice([0, 0, 0, 1, 2]))
            minute = rng.randrange(24 * 60)
        else:
            minute = int(min(max(rng.gauss(12.5 * 60, 150), 7 * 60), 19 * 60))
        return datetime.combine(day, time(minute // 60, minute % 60), self.zone) + timedelta(
            seconds=rng.randrange(60))

    def _ticket(self, client: Client, days: list[date], last: date) -> dict:
        rng = self.rng
        source = _pick(rng, SOURCE_WEIGHTS)
        impact, urgency = _pick(rng, IMPACT_URGENCY_WEIGHTS)
        priority = priority_for(impact, urgency)
        created = self._created_at(days, after_hours=source == Source.ALERT)
        if created.date() > last:
            created = datetime.combine(last, time(12), self.zone)
        category = _pick(rng, CATEGORY_WEIGHTS)
        agreement = self.agreement_of[client.pk]
        plan_id = agreement.sla_plan_id
        target = self.targets[plan_id][priority]
        clock = self.clocks[plan_id]
        paused = rng.uniform(30, 960) if rng.random() < 0.15 else 0.0
        clocks = compute_clocks(clock=clock, target=target, at_risk_percent=75, started_at=created,
                                paused_minutes=paused)
        late_response = rng.random() < 0.07
        late_resolution = rng.random() < 0.09
        responded = clock.add(created, target.first_response_minutes
                              * (rng.uniform(1.05, 3) if late_response else rng.uniform(0.05, 0.95)))
        resolved = clock.add(created, target.resolution_minutes
                             * (rng.uniform(1.05, 2.5) if late_resolution else rng.uniform(0.1, 0.95)) + paused)
        resolved = max(resolved, responded + timedelta(minutes=5))
        tier = _pick(rng, [(1, 62), (2, 27), (3, 11)])
        escalated = tier < 3 and rng.random() < 0.1
        first_assignee = self.owner if rng.random() < 0.05 else rng.choice(self.by_tier[tier])
        ticket = {
            "client_id": client.pk, "contact_id": rng.choice(self.contacts_of[client.pk]),
            "agreement_id": agreement.pk, "source": source, "category": category,
            "subject": rng.choice(ALERT_SUBJECTS if source == Source.ALERT else SUBJECTS[category]),
            "asset_id": rng.choice(self.assets_of[client.pk]) if rng.random() < 0.5 else None,
            "ticket_type": TicketType.INCIDENT if source == Source.ALERT else _pick(rng, TYPE_WEIGHTS),
            "impact": impact, "urgency": urgency, "priority": priority, "tier": tier + escalated,
            "assignee": rng.choice(self.by_tier[tier + 1]) if escalated else first_assignee,
            "first_assignee": first_assignee,  # who did the first work on an escalated ticket
            "escalation_count": int(escalated),
            "in_scope": agreement.kind != AgreementKind.TIME_AND_MATERIALS and rng.random() > 0.08,
            "created_at": created, "sla_plan_id": plan_id, "sla_paused_minutes": paused,
            "first_response_due": clocks.first_response_due,
            "first_response_warning_at": clocks.first_response_warning_at,
            "resolution_due": clocks.resolution_due, "resolution_warning_at": clocks.resolution_warning_at,
        }
        ticket["assignee_id"] = ticket["assignee"].pk
        self._settle(ticket, responded, resolved, clock, target)
        return ticket

    def _settle(self, ticket: dict, responded: datetime, resolved: datetime, clock: BusinessClock,
                target: SlaTarget) -> None:
        """Status and actual times as they stand at the demo's `now`."""
        ticket["updated_at"] = min(resolved, self.now)
        if resolved <= self.now:
            ticket["first_response_at"], ticket["resolved_at"] = responded, resolved
            closes = resolved + timedelta(days=3)
            ticket["status"], ticket["closed_at"] = (
                (Status.CLOSED, closes) if closes <= self.now else (Status.RESOLVED, None))
            return
        if responded > self.now:
            ticket["status"] = Status.NEW
            return
        ticket["first_response_at"] = responded
        if ticket["sla_paused_minutes"]:  # still waiting on the client: the pause runs, nothing counted yet
            ticket["status"] = Status.WAITING_ON_CLIENT
            ticket["sla_paused_at"] = min(responded + timedelta(minutes=30), self.now)
            ticket["sla_paused_minutes"] = 0.0
            clocks = compute_clocks(clock=clock, target=target, at_risk_percent=75, started_at=ticket["created_at"])
            ticket["resolution_due"] = clocks.resolution_due
            ticket["resolution_warning_at"] = clocks.resolution_warning_at
        else:
            ticket["status"] = Status.OPEN

    def _notes(self, ticket: dict) -> list[dict]:
        rng = self.rng
        notes = []
        responded, resolved = ticket.get("first_response_at"), ticket.get("resolved_at")
        if responded:
            notes.append({"ticket_id": ticket["id"], "author_id": ticket["first_assignee"].pk,
                          "body": rng.choice(FIRST_REPLIES), "is_internal": False, "created_at": responded})
            if rng.random() < 0.3:
                notes.append({"ticket_id": ticket["id"], "author_id": ticket["first_assignee"].pk,
                              "body": rng.choice(INTERNAL_NOTES), "is_internal": True,
                              "created_at": responded + timedelta(minutes=rng.randrange(5, 90))})
        if resolved:
            notes.append({"ticket_id": ticket["id"], "author_id": ticket["assignee_id"],
                          "body": rng.choice(RESOLUTIONS), "is_internal": False, "created_at": resolved})
        return notes

    def _entry(self, user: User, started: datetime, minutes: int, *, ticket_id: int | None = None,
               client_id: int | None = None, category: str = "", billable: bool = True) -> dict:
        cost, bill = self.rate_for(user, started.date())
        return {"technician_id": user.pk, "ticket_id": ticket_id, "client_id": client_id,
                "internal_category": category,
                "started_at": started, "minutes": minutes, "billable": billable, "cost_rate": cost,
                "bill_rate": bill, "notes": ""}

    def _ticket_time(self, ticket: dict) -> list[dict]:
        responded = ticket.get("first_response_at")
        if responded is None:
            return []
        rng = self.rng
        first_tier = ticket["tier"] - ticket["escalation_count"]
        minutes = max(5, round(rng.lognormvariate(math.log(TIER_MINUTES[first_tier]), 0.6) / 5) * 5)
        billable = rng.random() > 0.05
        entries = [self._entry(ticket["first_assignee"], responded, minutes, ticket_id=ticket["id"],
                               client_id=ticket["client_id"], billable=billable)]
        if ticket["escalation_count"]:
            extra = max(15, round(rng.lognormvariate(math.log(TIER_MINUTES[ticket["tier"]]), 0.6) / 5) * 5)
            entries.append(self._entry(ticket["assignee"], responded + timedelta(minutes=minutes), extra,
                                       ticket_id=ticket["id"], client_id=ticket["client_id"], billable=billable))
        return [e for e in entries if e["started_at"] <= self.now]

    def _internal_time(self, month: date, last_day: date) -> list[TimeEntry]:
        """Meetings, training and admin for everyone; the owner still runs sales and admin (seed 000's founder)."""
        rng = self.rng
        entries = []
        for day in _business_days(max(month, self.window_start), last_day):
            at = datetime.combine(day, time(8, 30), self.zone)
            if at > self.now:
                break
            for tech in self.technicians:
                if day.weekday() == 0:
                    entries.append(self._entry(tech, at, 60, category=InternalCategory.MEETING, billable=False))
                if day.weekday() == 2 and rng.random() < 0.7:
                    entries.append(self._entry(tech, at + timedelta(hours=7), 90, category=InternalCategory.TRAINING,
                                               billable=False))
                entries.append(self._entry(tech, at + timedelta(hours=8, minutes=30), rng.choice([15, 20, 30]),
                                           category=InternalCategory.ADMIN, billable=False))
                if tech.tier == 3 and rng.random() < 0.4:  # senior techs drawn into account management
                    entries.append(self._entry(tech, at + timedelta(hours=3), 60,
                                               category=InternalCategory.ACCOUNT_MANAGEMENT, billable=False))
            for category, minutes in ((InternalCategory.SALES, 180), (InternalCategory.ADMIN, 120),
                                      (InternalCategory.ACCOUNT_MANAGEMENT, 90), (InternalCategory.MEETING, 60)):
                entries.append(self._entry(self.owner, at - timedelta(hours=1), minutes + rng.randrange(0, 60, 15),
                                           category=category, billable=False))
            entries.append(self._entry(self.staff["vcio"], at, 240 + rng.randrange(0, 120, 15),
                                       category=InternalCategory.ACCOUNT_MANAGEMENT, billable=False))
        return entries

    def build_projects(self) -> None:
        """Two projects per client (a dozen at least); their own seeded rng keeps every other step's draws."""
        self.counts["time_entries"] += load_demo_projects(
            self.now, self.size.seed * 1000 + 21, self.clients, self.technicians, self._entry,
            lambda: self._next_id(TimeEntry), insert_rows, count=max(12, 2 * self.size.clients))

    # --- money ------------------------------------------------------------------------------------------------
    def build_marketplace_and_costs(self) -> None:
        """App subscriptions and per-client tool costs for every client served."""
        rng = self.rng
        subscriptions, costs = [], []
        for client in self.clients:
            if client.status == ClientStatus.PROSPECT:
                continue
            users = self.users_at[client.pk]
            for app in rng.sample(self.apps, rng.choice([0, 1, 2, 3, 3, 4, 6])):
                subscriptions.append(AppSubscription(client=client, app=app, users=max(1, int(users * rng.uniform(
                    0.3, 1.0))), start_date=client.client_since, end_date=client.churned_on))
            for name, basis, cost in TOOL_COSTS:
                costs.append(ToolCost(client=client, name=name, basis=basis, unit_cost=Decimal(cost),
                                      start_date=client.client_since, end_date=client.churned_on))
        AppSubscription.objects.bulk_create(subscriptions, batch_size=BATCH_SIZE)
        ToolCost.objects.bulk_create(costs, batch_size=BATCH_SIZE)

    def billed_months(self) -> list[date]:
        """The closed months of the window (all, or the last `billed_months`), billed by the real billing run;
        the newest is left in draft for finance to review."""
        closed = [month for month in self.months() if month_end(month) < self.size.today]
        return closed if self.size.billed_months is None else closed[len(closed) - self.size.billed_months:]

    def bill(self, month: date, issue: bool) -> None:
        run_billing(month)
        if issue:
            issue_invoices(Invoice.objects.filter(period_start=month), today=month_end(month) + timedelta(days=1))

    def build_funnel(self) -> None:
        """A year of leads through the six steps: won ones became the clients won in the window, prospects are
        open leads, and about three lost leads for every win (seed 000: most sales come from nurture)."""
        rng = self.rng
        start = max(self.window_start, self.size.today - timedelta(days=365))
        sources = ["referral", "webinar", "lead magnet", "networking event", "website", "partner"]
        rows = []

        def dates(first: date, steps: int, span_days: int) -> dict:
            keys = ["awareness_on", "engagement_on", "subscription_on", "conversion_on", "excitement_on",
                    "ascension_on"]
            days = sorted(rng.sample(range(1, span_days), steps - 1)) if steps > 1 else []
            return {keys[0]: first, **{keys[i + 1]: first + timedelta(days=d) for i, d in enumerate(days)}}

        for client in self.clients:
            if client.status == ClientStatus.PROSPECT:
                first = self.size.today - timedelta(days=rng.randrange(20, 300))
                rows.append(Opportunity(name=client.name, client=client, source=rng.choice(sources),
                                        **dates(first, rng.randint(1, 4), 60)))
            elif client.client_since and client.client_since >= start:
                cycle = rng.randrange(42, 130)  # six weeks to four months from first contact to signing
                first = client.client_since - timedelta(days=cycle)
                steps = dates(first, 4, max(cycle - 7, 5))
                won = Opportunity(name=client.name, client=client, source=rng.choice(sources),
                                  excitement_on=client.client_since, **steps)
                if rng.random() < 0.3 and client.client_since + timedelta(days=60) < self.size.today:
                    won.ascension_on = client.client_since + timedelta(days=rng.randrange(30, 60))
                rows.append(won)
                for _ in range(3):
                    first = start + timedelta(days=rng.randrange(0, max((self.size.today - start).days - 30, 1)))
                    reached = rng.choice([1, 1, 2, 2, 3, 4])
                    lead = Opportunity(name=self.faker.company()[:200], source=rng.choice(sources),
                                       **dates(first, reached, 40))
                    if rng.random() < 0.7:
                        lead.lost_on = first + timedelta(days=45)
                    rows.append(lead)
        Opportunity.objects.bulk_create(rows, batch_size=BATCH_SIZE)

    def build_knowledge(self) -> None:
        from bspos.knowledge.demo import load_sample

        load_sample(clients=self.clients, staff=self.staff, now=self.now)

    def build_assessments(self) -> None:
        """A 7C assessment (ITCq) with targets and a proposed roadmap for up to 20 clients, as a vCIO would leave
        them after a workshop; the rest of the clients have none yet."""
        template = AssessmentTemplate.objects.filter(key="7c").order_by("-version").first() or import_built_in()[0]
        rng, vcio = self.rng, self.staff["vcio"]
        served = [c for c in self.clients if c.status == ClientStatus.ACTIVE][:20]
        for client in served:
            assessment = Assessment.objects.create(client=client, template=template, started_by=vcio,
                                                   status=Assessment.Status.SHARED, shared_at=self.now)
            strength = {ServiceTier.SILVER: 1.4, ServiceTier.GOLD: 2.2, ServiceTier.PLATINUM: 2.9}[
                ServiceTier(client.service_tier)]
            Answer.objects.bulk_create([
                Answer(assessment=assessment, question=q["code"], answered_by=vcio, review=Answer.Review.ACCEPTED,
                       value=max(0, min(4, round(rng.gauss(strength, 1.0)))))
                for area in template.data["areas"] for q in area["questions"]])
            Target.objects.bulk_create([Target(assessment=assessment, area=area["code"], score=rng.choice([70, 75, 80]))
                                        for area in template.data["areas"]])
            suggest_roadmap(assessment)

    def build_reviews(self) -> None:
        """SBR history every 90 days from onboarding (most held on time, some late, some missed) and each active
        client's next review planned; the 20 assessed clients' last review has recommendations and next steps."""
        rng, today, rows = self.rng, self.size.today, []
        for client in self.clients:
            if client.status != ClientStatus.ACTIVE or client.client_since is None:
                continue
            due = max(client.client_since, self.window_start - timedelta(days=365)) + timedelta(days=CADENCE_DAYS)
            while due < today - timedelta(days=10):
                luck = rng.random()
                if luck < 0.12:
                    rows.append(Review(client=client, vcio=client.account_manager, due_on=due,
                                       status=Review.Status.MISSED))
                    due += timedelta(days=CADENCE_DAYS)
                    continue
                held = due - timedelta(days=rng.randrange(0, 12)) if luck < 0.8 else due + timedelta(
                    days=rng.randrange(3, 25))
                held = min(held, today - timedelta(days=1))
                rows.append(Review(client=client, vcio=client.account_manager, due_on=due, held_on=held,
                                   status=Review.Status.HELD, period_start=held - timedelta(days=PACK_DAYS),
                                   period_end=held - timedelta(days=1), business_goals=self.faker.sentence()))
                due = held + timedelta(days=CADENCE_DAYS)
            rows.append(Review(client=client, vcio=client.account_manager, due_on=due))
        Review.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        assessed = Assessment.objects.values_list("client_id", flat=True)
        latest = {review.client_id: review for review in Review.objects.filter(  # the last one per client wins
            client_id__in=assessed, status=Review.Status.HELD).order_by("client_id", "held_on")}
        for review in latest.values():
            quarter = next_quarter(review.held_on)
            Recommendation.objects.create(
                review=review, title="Move backups to an immutable offsite copy", area="Continuous",
                business_problem="Ransomware can encrypt the on-site backups along with the servers.",
                roi=Decimal("6000.00"), roi_basis="A day of downtime avoided for the whole team",
                one_time=Decimal("1800.00"), monthly=Decimal("90.00"), quarter=quarter,
                decision=rng.choice([Recommendation.Decision.ACCEPTED, Recommendation.Decision.DEFERRED]))
            NextStep.objects.create(review=review, description="Send the backup proposal", owner="vCIO",
                                    due_on=review.held_on + timedelta(days=14), done=rng.random() < 0.6)
            review.published_at = timezone.now()
            review.save(update_fields=["published_at"])

    def retire_churned_contacts(self) -> None:
        """Contacts of churned clients were users while they were billed; they are inactive now."""
        Contact.objects.filter(client__status=ClientStatus.CHURNED).update(is_active=False)

    # --- the whole run ----------------------------------------------------------------------------------------
    def months(self) -> list[date]:
        return months_from(self.window_start, self.size.months)

    def steps(self) -> Iterator[tuple[str, Callable[[], None]]]:
        yield "Service levels and catalogue", lambda: (self.build_sla(), self.build_catalogue())
        yield "People and rates", self.build_people
        yield "Canned replies", build_canned_replies
        yield "Clients", self.build_clients
        yield "Contacts, agreements and assets", self.build_client_details
        yield "Marketplace and tool costs", self.build_marketplace_and_costs
        yield "Sales funnel", self.build_funnel
        yield "vCIO assessments", self.build_assessments
        yield "Business reviews", self.build_reviews
        for month in self.months():
            yield f"Tickets {month:%Y-%m}", lambda month=month: self.build_month(month)
        yield "Projects in different states, with their time", self.build_projects  # before billing: it bills them
        # Time sheets before the billing runs: billing waits for approval, so the invoices bill approved weeks.
        yield "A year of time sheets, approved (a few returned)", lambda: load_demo_timesheets(
            self.now, self.rng, self.staff)
        billed = self.billed_months()
        for month in billed:
            yield f"Billing run {month:%Y-%m}", lambda month=month: self.bill(month, issue=month != billed[-1])
        yield "Knowledge: articles, problems, checklists", self.build_knowledge
        yield "Churned clients' contacts retired", self.retire_churned_contacts
        # The SLA job's history: thresholds the demo's tickets passed before now count as told.
        yield "SLA thresholds already passed", lambda: mark_as_fired(self.now)
        yield "Monitoring alerts", lambda: load_demo_alerts(self.now)
        yield "Sample mail (triage, auto-reply, quarantine)", load_sample_mail
        yield "Notifications for tech1 and the manager", lambda: load_demo_notifications(self.now)
        yield "Latest replies in the outbox", load_sample_outbox
        yield "Recurring tickets", lambda: load_demo_recurring(self.now)
        yield "Dispatch board: on-site visits and remote sessions", lambda: load_demo_schedule(
            self.now, self.rng, self.technicians, self.zone)
        yield "Client documentation", lambda: load_demo_documentation(self.now, self.rng)
        yield "A year of satisfaction ratings", lambda: (load_demo_ratings(self.now, self.rng, insert_rows),
                                                         reset_sequences([Survey]))
        yield "Credentials vault", lambda: load_demo_credentials(self.now, self.rng)
        yield "How documentation connects; expiry notices already told", lambda: load_demo_relations(self.now)
        yield "Hats Chart, a year of leadership meetings, 1:1s and the 365 plan", lambda: load_demo_leadership(
            self.now, self.rng, self.staff)
        yield "Foundation: ICP, solutions, values, vision, legal documents", lambda: (
            load_demo_foundation(self.now, self.rng, agreements=Agreement.objects.all(),
                                 sla_plans=list(self.plans.values())), describe_leads(self.rng, Opportunity))
        yield "A year of proposals and the pricing review", lambda: load_demo_proposals(
            self.now, self.rng, leads=Opportunity.objects.all())
        yield "Client plans: renewal price rises, monthly summaries, devices without dates", lambda: load_demo_plans(
            self.now, self.rng)

    def summary(self) -> DemoSummary:
        return DemoSummary(clients=len(self.clients), staff_logins=self.staff_usernames, **self.counts,
                           contact_logins=self.contact_logins)


# The desk's canned replies (placeholders as servicedesk.models.PLACEHOLDERS lists them).
DEMO_CANNED_REPLIES = [
    ("Restart first", "Hi {contact_first_name},\n\nThanks for reporting this. Could you restart the computer and let "
                      "us know on ticket #{ticket_number} whether the problem is still there?\n\n{my_name}"),
    ("Password reset done", "Hi {contact_first_name},\n\nYour password has been reset; you will be asked to choose "
                            "a new one when you next sign in.\n\n{my_name}"),
    ("Waiting for a time slot", "Hi {contact_first_name},\n\nWhen would suit {client_name} for us to connect "
                                "remotely and look at this? Reply here with a time.\n\n{my_name}"),
    ("Resolved, please confirm", "Hi {contact_first_name},\n\nWe believe “{ticket_subject}” is fixed. If anything "
                                 "is still wrong, just reply and the ticket reopens.\n\n{my_name}"),
]


def build_canned_replies() -> None:
    CannedReply.objects.bulk_create([CannedReply(title=title, body=body) for title, body in DEMO_CANNED_REPLIES])


def load_demo(size: DemoSize, progress: Progress | None = None) -> DemoSummary:
    """Generate the demo MSP in one transaction: it loads whole or not at all."""
    if Client.objects.exists() or User.objects.exists():
        raise ValueError("The database already holds data; the demo MSP loads only into an empty database.")
    builder = DemoBuilder(size, progress)
    steps = list(builder.steps())
    with transaction.atomic():
        with foreign_keys_validated_at_the_end():
            for done, (label, step) in enumerate(steps):
                builder.progress(label, done, len(steps))
                step()
            reset_sequences([Ticket, Note, TimeEntry])
            builder.progress("Foreign keys validated", len(steps), len(steps))
        builder.progress("Commit", len(steps), len(steps))
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        builder.progress("Planner statistics", len(steps), len(steps))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics after a bulk load
    builder.progress("Done", len(steps), len(steps))
    return builder.summary()


@contextmanager
def foreign_keys_validated_at_the_end() -> Iterator[None]:
    """PostgreSQL: take the foreign keys off for the bulk load and put them back after it, inside the same
    transaction. Putting one back validates it with one join over the table, where a key left in place queues a
    deferred trigger per inserted row, all run at commit (223 s of a 1,000-client load, issue 22). A row that breaks
    a key still fails the load, and a failed load rolls the keys back with everything else."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE contype = 'f' AND connamespace = current_schema()::regnamespace ORDER BY 1, 2")
        keys = cursor.fetchall()
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")


def insert_rows(model: type, rows: list[dict]) -> None:
    """Insert plain rows of column values fast: COPY on PostgreSQL, executemany on SQLite; defaults filled in."""
    if not rows:
        return
    fields = model._meta.concrete_fields
    defaults = {f.attname: f.get_default() for f in fields}
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    as_json = {f.attname for f in fields if f.get_internal_type() == "JSONField"}  # as text: both backends parse it
    ordered = ([_value(row, f.attname, defaults, as_json) for f in fields] for row in rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for values in ordered:
                copy.write_row(values)
        return
    adapt = [_sqlite_adapter(f) for f in fields]
    placeholders = ", ".join("%s" for _ in fields)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",
                           [[a(v) if v is not None else None for a, v in zip(adapt, values, strict=True)]
                            for values in ordered])


def _value(row: dict, name: str, defaults: dict, as_json: set[str]):
    value = row.get(name, defaults.get(name))
    return json.dumps(value) if name in as_json and value is not None else value


def _sqlite_adapter(field) -> Callable:
    """How Django stores a value of this field type in SQLite (aware datetimes as naive UTC text, Decimals as text)."""
    ops = connection.ops
    internal = field.get_internal_type()
    if internal == "DateTimeField":
        return ops.adapt_datetimefield_value
    if internal == "DecimalField":
        return lambda value: ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    if internal == "DateField":
        return ops.adapt_datefield_value
    return lambda value: value


def reset_sequences(models: list[type]) -> None:
    """After inserting explicit ids, move the id sequences past them (PostgreSQL; SQLite tracks this itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
