"""The demo MSP's foundation: two Ideal Client Profiles (law firms primary), two solutions (one named for the
technology, so its warning shows), four core values with the decisions three of them drove, a vision with live
measures and the mission, and the MSA, SLA and terms in versions (the SLA's review overdue), signed by the clients.
Bulk inserts, choices from the builder's rng."""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from bspos.catalogue.models import App, Package
from bspos.clients.models import Client, ClientStatus
from bspos.core.dates import add_months
from bspos.foundation.models import (
    ChecklistAnswer,
    CoreValue,
    IdealClientProfile,
    LegalDocument,
    LegalVersion,
    Signature,
    Solution,
    ValueDecision,
    Vision,
    VisionMeasure,
)

VALUES = [("We don't oversell what we can deliver", "Promise less than we think; deliver more than we promise. "
           "Nobody quotes a date the desk has not agreed.", True),
          ("The client's business first", "Every recommendation names the business problem and its cost before the "
           "technology.", True),
          ("Write it down", "If it happened twice, it has an SOP; if it broke twice, it has a documented fix.", True),
          ("Excellence", "We do great work.", False)]  # the wall-poster one: no decision, no firing test
DECISIONS = [(0, "firing", "A senior technician; Olivia and the service manager", "Promised a client a same-day "
              "migration the desk could not staff, twice after a warning: let go."),
             (0, "hiring", "Candidate for vCIO; the leadership team", "Brilliant interview, but promised outcomes "
              "the stack cannot deliver: not hired."),
             (1, "conflict", "Account manager and tier 2 lead", "Upgrade versus fix: settled on the option with the "
              "stated business cost, not the interesting one."),
             (2, "hiring", "Tier 1 technician; the service manager", "Hired the candidate who documented their "
              "take-home fix over the faster one who did not.")]


def load_demo_foundation(now: datetime, rng: random.Random, *, agreements, sla_plans) -> int:
    """`agreements` and `sla_plans` are the querysets of those higher apps (the demo passes them in)."""
    today = timezone.localtime(now).date()
    law = IdealClientProfile.objects.create(
        name="Law firms", is_primary=True, verticals="Legal", min_users=5, max_users=80,
        description="Independent law firms of 5 to 80 people in the metro area, run by their partners.",
        business_problem="Billable hours lost when systems stop, and client files at risk of a breach the bar "
                         "would hear about.",
        congregate_physical="County bar association lunches; the annual legal-tech expo",
        congregate_online="The state bar's practice-management forum; LinkedIn legal-ops groups",
        test_one_sentence=True, test_business_problem=True, test_congregate=True, test_all_marketing=False)
    clinics = IdealClientProfile.objects.create(
        name="Medical practices", verticals="Healthcare", min_users=10, max_users=150,
        description="Outpatient medical practices with 10 to 150 staff.",
        business_problem="Patients waiting because the front desk's systems are down; HIPAA fines.",
        congregate_physical="Regional medical group management association meetings", test_one_sentence=True)
    packages = {p.name: p for p in Package.objects.all()}
    apps = {a.name: a for a in App.objects.all()}
    growth = Solution.objects.create(
        name="Legal Practice Growth System", icp=law,
        outcome="More billable hours per partner: systems that never stop a matter, and files a breach can't reach.",
        measures="Billable hours lost to IT issues per month\nMatters delayed by systems\nBreach-ready audit passed")
    growth.packages.set([p for name, p in packages.items() if name in ("Gold", "Platinum")])
    growth.icp_tools.set([a for name, a in apps.items() if name == "Clio Manage"])
    uptime = Solution.objects.create(name="Managed IT Helpdesk for Clinics", icp=clinics,
                                     outcome="Front desks that keep patients moving.",
                                     measures="Patient wait minutes caused by IT")
    uptime.packages.set([p for name, p in packages.items() if name == "Silver"])
    agreements.filter(client__vertical="Legal", package__name__in=["Gold", "Platinum"]).update(
        solution=growth)
    agreements.filter(client__vertical="Healthcare").update(solution=uptime)
    CoreValue.objects.bulk_create([CoreValue(name=name, behaviour=text, would_fire=fire, position=i)
                                   for i, (name, text, fire) in enumerate(VALUES)])
    values = list(CoreValue.objects.order_by("position"))
    ValueDecision.objects.bulk_create([
        ValueDecision(value=values[index], kind=kind, people=people, description=text,
                      decided_on=today - timedelta(days=rng.randrange(30, 400)))
        for index, kind, people, text in DECISIONS])
    vision = Vision.objects.create(
        bhag=f"By {today.year + 4}, run the BSP that supports every independent law firm in the metro area: "
             "$6M ARR, 65% gross margin, 60 law firms as clients.",
        target_date=date(today.year + 4, 12, 31), mission="We keep law firms billing and their clients' files safe.",
        set_on=today - timedelta(days=200))
    VisionMeasure.objects.bulk_create([
        VisionMeasure(vision=vision, name="Annual recurring revenue", live="arr", target=Decimal("6000000")),
        VisionMeasure(vision=vision, name="Gross margin (%)", live="gross_margin", target=Decimal("65")),
        VisionMeasure(vision=vision, name="Law firms as clients", live="icp_clients", target=Decimal("60")),
        VisionMeasure(vision=vision, name="Referrals from the bar association per year", target=Decimal("24"),
                      current=Decimal("9"))])
    msa = LegalDocument.objects.create(kind="msa", title="Master Service Agreement")
    sla = LegalDocument.objects.create(kind="sla", title="Service Level Agreement")
    terms = LegalDocument.objects.create(kind="terms", title="Terms and Conditions")
    sla.sla_plans.set(sla_plans)  # the SLA document promises the plans the agreements run on
    msa_old, msa_new = LegalVersion.objects.bulk_create([
        LegalVersion(document=msa, version="1.0", effective_on=date(2019, 3, 1), text="The 2019 template.",
                     reviewed_on=date(2019, 2, 1), reviewed_by="Template (no attorney)"),
        LegalVersion(document=msa, version="2.0", effective_on=add_months(today, -10),
                     text="Master Service Agreement, redrafted for outcome-based engagements.",
                     reviewed_on=add_months(today, -11), reviewed_by="Dana Price, Price & Hale LLP",
                     describes_operations=True)])
    LegalVersion.objects.bulk_create([
        LegalVersion(document=sla, version="1.3", effective_on=add_months(today, -30), text="Response and "
                     "resolution targets per priority; exclusions; service credits.", reviewed_on=add_months(
                         today, -26), reviewed_by="Dana Price, Price & Hale LLP", describes_operations=True),
        LegalVersion(document=terms, version="1.0", effective_on=add_months(today, -14), text="Change orders, "
                     "third-party software, data handling, security obligations.", reviewed_on=add_months(
                         today, -15), reviewed_by="Dana Price, Price & Hale LLP", describes_operations=True)])
    signatures = []
    for client_id, since in Client.objects.exclude(status=ClientStatus.PROSPECT).values_list("pk", "client_since"):
        if since is None:
            continue
        if since >= msa_new.effective_on or rng.random() < 0.35:  # new clients and those migrated at renewal
            signatures.append(Signature(client_id=client_id, version=msa_new,
                                        signed_on=max(since, msa_new.effective_on)))
        else:
            signatures.append(Signature(client_id=client_id, version=msa_old, signed_on=max(since, date(2019, 3, 1))))
    Signature.objects.bulk_create(signatures, batch_size=1000)
    ChecklistAnswer.objects.bulk_create([
        ChecklistAnswer(line="values_by_heart", answer="yes", answered_on=today - timedelta(days=20)),
        ChecklistAnswer(line="mission_by_heart", answer="yes", answered_on=today - timedelta(days=20)),
        ChecklistAnswer(line="two_weeks", answer="almost", note="Olivia still approves every quote.",
                        answered_on=today - timedelta(days=20))])
    return 2 + 2 + len(values) + len(DECISIONS) + 1 + 4 + len(signatures)


def describe_leads(rng: random.Random, opportunity_model) -> None:
    """Give the funnel's leads a vertical and a size (users), as the sales team records them: a lead's client's
    vertical where it has one, otherwise a mix weighted towards the primary ICP."""
    leads = list(opportunity_model.objects.select_related("client").only("pk", "client__vertical"))
    for lead in leads:
        lead.vertical = (lead.client.vertical if lead.client_id and lead.client.vertical else
                         rng.choice(["Legal", "Legal", "Healthcare", "Manufacturing", "Retail", ""]))
        lead.users = rng.choice([None, rng.randrange(3, 120)])
    opportunity_model.objects.bulk_update(leads, ["vertical", "users"], batch_size=1000)
