"""The BSP Readiness Assessment (seed 000): eight statements per SCALE phase, written from what "done" looks like.

Each statement is answered 0-4 (not at all … fully true). A statement with `data` can be pre-filled from the
system of record; the owner sees where the suggestion came from and may change it.
"""

from dataclasses import dataclass

ANSWERS = [(0, "Not at all"), (1, "Rarely"), (2, "Partly"), (3, "Mostly"), (4, "Fully")]


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    data: str = ""  # key of a data check in scorecard.services.READINESS_DATA


PHASES = [
    ("S", "Set the Foundation", [
        Question("s1", "Our Ideal Client Profile fits in one sentence a stranger could use to refer us.", "icp"),
        Question("s2", "Our ideal clients share one business problem we solve, stated as a business problem.",
                 "business_problem"),
        Question("s3", "We know where our ideal clients congregate, physically and online.", "congregate"),
        Question("s4", "All our sales and marketing points at the ICP, not at anyone who will pay.", "icp_reach"),
        Question("s5", "Our solution is named for the outcome it produces, not the technology.", "solutions"),
        Question("s6", "Every agreement is priced above 3 × its direct cost (the floor).", "floor"),
        Question("s7", "No agreement is priced above one third of the value it delivers (the ceiling).", "ceiling"),
        Question("s8", "We sell prescriptively (PASTA): we diagnose the problem and its cost before offering.",
                 "proposals"),
    ]),
    ("C", "Construct the Factory", [
        Question("c1", "Any qualified technician can work any client: the stack is standardised."),
        Question("c2", "A PSA is the hub; RMM and documentation integrate with it.", "psa"),
        Question("c3", "Every client has a written SLA with scope boundaries.", "sla"),
        Question("c4", "We have an attorney-reviewed MSA, SLA and terms.", "legal"),
        Question("c5", "Our core values are specific enough to hire and fire by.", "values"),
        Question("c6", "We have a 3-to-5-year goal everyone can describe.", "vision"),
        Question("c7", "The founder is not the escalation path of last resort.", "escalation"),
        Question("c8", "Delivery is consistent: resolution times vary little between technicians.", "consistency"),
    ]),
    ("A", "Accelerate Success", [
        Question("a1", "We hold a Strategic Business Review with every client every 90 days."),
        Question("a2", "Each SBR ends with recommendations carrying a business problem, ROI, investment and timeline."),
        Question("a3", "Our marketing runs all six steps, from Awareness to Ascension.", "funnel"),
        Question("a4", "We run a nurture/subscription layer for leads not ready to buy."),
        Question("a5", "We have a referral system that brings leads every month."),
        Question("a6", "We review pricing every year; some clients push back.", "pricing_review"),
        Question("a7", "Our sales cycle is 10 weeks or less.", "sales_cycle"),
        Question("a8", "Clients stay with us five years or more on average.", "tenure"),
    ]),
    ("L", "Lock in Systems", [
        Question("l1", "Every recurring task has a written SOP."),
        Question("l2", "Every recurring problem has a documented solution."),
        Question("l3", "We solve problems with a framework (CESI: Clarify, Explore, Solve, Implement)."),
        Question("l4", "Client onboarding follows a written playbook."),
        Question("l5", "All work is tracked in time entries that reconcile to billing.", "time"),
        Question("l6", "Scope creep is rare: out-of-scope work is under 5% of time.", "scope"),
        Question("l7", "Technician utilisation sits in the 70-80% band.", "utilisation"),
        Question("l8", "The business runs for two weeks without the founder."),
    ]),
    ("E", "Expand with Intent", [
        Question("e1", "A Hats Chart maps the seven core functions to owners with success metrics.", "hats"),
        Question("e2", "Every direct report has monthly one-on-ones and a quarterly review.", "conversations"),
        Question("e3", "The leadership team meets weekly for 90 minutes on metrics, issues and decisions.",
                 "leadership_meeting"),
        Question("e4", "Annual strategy fits on one page, executed in quarterly rocks (3-5 a quarter).", "plan"),
        Question("e5", "The founder works 40 hours a week or less.", "founder_hours"),
        Question("e6", "Senior technicians do engineering, not account management.", "senior_account"),
        Question("e7", "Gross margin is 55% or more.", "margin"),
        Question("e8", "We could sell the business, hire a successor or take a month off."),
    ]),
]

QUESTIONS = {q.code: q for _, _, questions in PHASES for q in questions}
