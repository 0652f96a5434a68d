"""Reads for the foundation pages and the readiness assessment: the ICP's reach, solutions' naming warnings,
values with their decisions, the BHAG's progress, legal documents' reviews and signatures, and the Construct-phase
"done" checklist. Figures that live in higher apps come through `foundation.figures`."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Prefetch, Subquery

from bspos.clients.models import ClientStatus
from bspos.core.money import maybe_places
from bspos.foundation import figures
from bspos.foundation.models import (
    MAX_VALUES,
    MIN_VALUES,
    REVIEW_MONTHS,
    Answer,
    ChecklistAnswer,
    CoreValue,
    DecisionKind,
    DocumentKind,
    IdealClientProfile,
    LegalDocument,
    LegalVersion,
    Signature,
    Solution,
    Vision,
    clients_with_users,
)


def share(part: int, whole: int) -> Decimal | None:
    return maybe_places(Decimal(part * 100) / whole, "0.1") if whole else None


def primary_icp() -> IdealClientProfile | None:
    return IdealClientProfile.objects.filter(is_primary=True).first() or IdealClientProfile.objects.first()


def active_clients_matching(icp: IdealClientProfile) -> dict:
    """Active clients now, and how many the ICP covers (by vertical and size)."""
    counts = clients_with_users().filter(status=ClientStatus.ACTIVE).aggregate(
        total=Count("pk", distinct=True), matching=Count("pk", distinct=True, filter=icp.match_q()))
    return {**counts, "share": share(counts["matching"], counts["total"])}


def icp_reach(icp: IdealClientProfile, today: date) -> dict:
    """Share of active clients, of revenue and of funnel leads that match the ICP, now and per month for a year
    (revenue and leads come from the owner's figures; without them only the client share is known)."""
    reach = figures.figure(figures.ICP_REACH, icp, today)
    if reach is None:
        clients = active_clients_matching(icp)
        reach = {"clients": clients["share"], "revenue": None, "leads": None, "trend": []}
    return reach


# --- solutions ----------------------------------------------------------------------------------------------------

def solutions():
    return Solution.objects.select_related("icp").prefetch_related("packages", "icp_tools")


# --- values, vision, mission ------------------------------------------------------------------------------------

@dataclass
class ValueRow:
    value: CoreValue
    decisions: list
    marketing_copy: bool  # seed 001: values that never drove a real decision are marketing copy
    slogan: bool  # seed 001: a value you would not fire someone for is a slogan


def values_overview() -> dict:
    values = list(CoreValue.objects.prefetch_related("decisions"))
    rows = [ValueRow(v, list(v.decisions.all()), not v.decisions.all(), not v.would_fire) for v in values]
    people_decisions = [d for row in rows for d in row.decisions if d.kind in (DecisionKind.HIRING,
                                                                                 DecisionKind.FIRING)]
    count = len(values)
    warning = ""
    if count and count < MIN_VALUES:
        warning = f"{count} core value{'s' if count != 1 else ''}: name three to five."
    return {"rows": rows, "count": count, "full": count >= MAX_VALUES, "warning": warning,
            "people_decisions": len(people_decisions)}


def current_vision() -> Vision | None:
    return Vision.objects.prefetch_related("measures").order_by("-set_on", "-pk").first()


def vision_progress(vision: Vision | None, today: date) -> list[dict]:
    """Each BHAG measure: its current value (live where bspos computes it, else the owner's number), the target
    and the progress towards it in percent."""
    if vision is None:
        return []
    rows = []
    for measure in vision.measures.all():
        value = figures.live_measure(measure.live, today) if measure.live else measure.current
        progress = maybe_places(Decimal(value) * 100 / measure.target, "0.1") if value is not None \
            and measure.target else None
        rows.append({"measure": measure, "value": value, "progress": progress,
                     "bar": min(int(progress or 0), 100)})
    return rows


# --- legal documents --------------------------------------------------------------------------------------------

def documents():
    return LegalDocument.objects.prefetch_related(
        Prefetch("versions", LegalVersion.objects.annotate(signed=Count("signatures")).order_by(
            "-effective_on", "-pk")), "sla_plans")


def legal_overview(today: date) -> list[dict]:
    """Each kind of document: its current version, whether the attorney review is older than 18 months, and the
    clients still on an older version (to migrate at renewal)."""
    found = {d.kind: d for d in documents()}
    outdated = outdated_signatures()
    renewals = figures.figure(figures.RENEWALS, [s.client_id for s in outdated], today, default={})
    for signature in outdated:
        signature.renewal = renewals.get(signature.client_id)
    rows = []
    for kind, label in DocumentKind.choices:
        document = found.get(kind)
        current = document.current if document else None
        rows.append({"kind": kind, "label": label, "document": document, "current": current,
                     "overdue": current is None or current.review_overdue(today),
                     "outdated": [s for s in outdated if s.version.document.kind == kind]})
    return rows


def outdated_signatures():
    """Active clients whose latest signature of a document is of an older version than the current one."""
    current = LegalVersion.objects.filter(document=OuterRef("version__document")).order_by(
        "-effective_on", "-pk").values("pk")[:1]
    latest = Signature.objects.filter(client=OuterRef("client"), version__document=OuterRef(
        "version__document")).order_by("-version__effective_on", "-version__pk").values("pk")[:1]
    return list(Signature.objects.filter(client__status=ClientStatus.ACTIVE).annotate(
        current_version=Subquery(current), latest=Subquery(latest)).filter(pk=F("latest")).exclude(
        version_id=F("current_version")).select_related("client", "version__document").order_by("client__name"))


def signatures_of(client) -> list[Signature]:
    return list(Signature.objects.filter(client=client).select_related("version__document"))


# --- the Construct-phase "done" checklist (seed 001) -------------------------------------------------------------

OWNER_LINES = {
    "values_by_heart": "You can name your three to five core values without checking a document.",
    "mission_by_heart": "You can recite your mission from memory.",
    "two_weeks": "The firm could run for two weeks without the founder making operational decisions.",
}
ONBOARDING_DAYS = 14  # seed 001: "a new tech can be onboarded in under two weeks"


def _line(key: str, text: str, done: bool | None, evidence: str, source: str = "data", answer: str = "") -> dict:
    return {"key": key, "text": text, "done": done, "evidence": evidence, "source": source, "answer": answer}


def construct_checklist(today: date) -> dict:
    """Seed 001's "done" list for Construct the Factory: each line from the data where bspos has it, otherwise the
    owner's answer. "Almost" is not done, and the phase is done only when every line is."""
    lines = []
    onboarding = figures.figure(figures.ONBOARDING_DAYS, today) or {"days": None, "runs": 0}
    text = f"A new technician is onboarded in under {ONBOARDING_DAYS} days."
    if onboarding["runs"]:
        lines.append(_line("onboarding", text, onboarding["days"] < ONBOARDING_DAYS,
                           f"Technician onboarding checklists took {onboarding['days']} days on average "
                           f"({onboarding['runs']} completed in the last year)."))
    else:
        lines.append(_line("onboarding", text, False, "No technician onboarding checklist was completed in the "
                                                      "last year: run one from Knowledge › Checklists."))
    tools = Solution.objects.filter(is_active=True, icp__isnull=False, icp_tools__isnull=False).values_list(
        "icp_tools__name", flat=True).distinct()
    tools = list(tools)
    lines.append(_line("icp_tool", "The tool stack includes at least one premium, ICP-specific tool.", bool(tools),
                       f"ICP-specific tools in your solutions: {', '.join(tools)}." if tools else
                       "No solution for an ICP names an ICP-specific tool from the catalogue's marketplace."))
    overview = values_overview()
    real = [row for row in overview["rows"] if not row.marketing_copy and not row.slogan]
    values_done = MIN_VALUES <= overview["count"] <= MAX_VALUES and len(real) == overview["count"] \
        and overview["people_decisions"] > 0
    lines.append(_line("values_used", "Three to five core values, used in actual decisions, with at least one hiring "
                                      "or firing decision driven by them.", values_done,
                       f"{overview['count']} values, {len(real)} with a real decision and a 'would fire' answer, "
                       f"{overview['people_decisions']} hiring or firing decisions."))
    vision = current_vision()
    lines.append(_line("mission", "The mission is recorded in one sentence.", bool(vision and vision.mission),
                       f"“{vision.mission}”" if vision and vision.mission else "No mission recorded yet."))
    legal = legal_overview(today)
    reviewed = [row for row in legal if not row["overdue"] and row["current"].describes_operations]
    lines.append(_line("legal", f"MSA, SLA and T&Cs reviewed by an attorney in the last {REVIEW_MONTHS} months and "
                                "accurately describing how the firm operates.", len(reviewed) == len(legal),
                       "; ".join(f"{row['label']}: " + (
                           "none" if row["current"] is None else
                           f"v{row['current'].version}, reviewed {row['current'].reviewed_on or 'never'}"
                           + (" (overdue)" if row["overdue"] else "")
                           + ("" if row["current"].describes_operations else ", not confirmed to match operations"))
                           for row in legal)))
    answers = {a.line: a for a in ChecklistAnswer.objects.filter(line__in=OWNER_LINES)}
    for key, text in OWNER_LINES.items():
        answer = answers.get(key)
        lines.append(_line(key, text, answer is not None and answer.answer == Answer.YES,
                           (f"{answer.get_answer_display()} ({answer.answered_on})" + (f": {answer.note}"
                                                                                     if answer.note else ""))
                           if answer else "Not answered yet.", source="owner",
                           answer=answer.answer if answer else ""))
    return {"lines": lines, "done": all(line["done"] for line in lines),
            "done_count": sum(1 for line in lines if line["done"])}


# --- readiness pre-fill (s1-s5, c4-c6) --------------------------------------------------------------------------

def readiness_evidence(today: date) -> dict[str, tuple[int, str]]:
    """Suggested answers for readiness statements s1-s5 and c4-c6 and the evidence behind them."""
    suggestions: dict[str, tuple[int, str]] = {}
    icp = primary_icp()
    if icp is not None:
        suggestions["s1"] = (4 if icp.test_one_sentence and icp.description else 2,
                             f"Primary ICP “{icp.name}”: {icp.description}" + (
                                 "" if icp.test_one_sentence else " (not yet tested on a stranger)"))
        suggestions["s2"] = (4 if icp.test_business_problem and icp.business_problem else 2 if icp.business_problem
                             else 0, f"The shared business problem: {icp.business_problem or 'not stated'}.")
        places = [p for p in (icp.congregate_physical, icp.congregate_online) if p]
        suggestions["s3"] = (4 if len(places) == 2 and icp.test_congregate else 2 * len(places) if places else 0,
                             f"Where they congregate: {'; '.join(places) or 'not recorded'}.")
        reach = icp_reach(icp, today)
        leads, clients = reach.get("leads"), reach.get("clients")
        measured = leads if leads is not None else clients
        if measured is not None:
            score = 4 if measured >= 80 else 3 if measured >= 60 else 2 if measured >= 40 else 1 if measured else 0
            suggestions["s4"] = (score, f"{leads if leads is not None else '—'}% of this year's leads and "
                                        f"{clients if clients is not None else '—'}% of active clients match the ICP.")
    names = list(Solution.objects.filter(is_active=True).values_list("name", flat=True))
    if names:
        from bspos.foundation.models import technology_phrases_in

        outcome = [n for n in names if not technology_phrases_in(n)]
        rate = len(outcome) / len(names)
        suggestions["s5"] = (4 if rate == 1 else 2 if rate >= 0.5 else 1,
                             f"{len(outcome)} of {len(names)} solutions are named for the outcome"
                             + (f"; technology names: {', '.join(n for n in names if n not in outcome)}."
                                if len(outcome) < len(names) else "."))
    legal = legal_overview(today)
    if any(row["current"] for row in legal):
        current = [row for row in legal if not row["overdue"]]
        suggestions["c4"] = ({3: 4, 2: 2, 1: 1}.get(len(current), 0),
                             f"{len(current)} of MSA, SLA and terms reviewed by an attorney in the last "
                             f"{REVIEW_MONTHS} months.")
    overview = values_overview()
    if overview["count"]:
        real = sum(1 for row in overview["rows"] if not row.marketing_copy and not row.slogan)
        score = 4 if MIN_VALUES <= overview["count"] <= MAX_VALUES and real == overview["count"] \
            and overview["people_decisions"] else 2 if real else 1
        suggestions["c5"] = (score, f"{overview['count']} core values; {real} pass the firing test with a real "
                                    f"decision; {overview['people_decisions']} hiring or firing decisions logged.")
    vision = current_vision()
    if vision is not None:
        measures = list(vision.measures.all())
        suggestions["c6"] = (4 if measures and vision.target_date > today else 2,
                             f"BHAG to {vision.target_date:%Y}: {vision.bhag[:120]}"
                             + (f" ({len(measures)} measurable end states)." if measures else
                                " (no measurable end state yet)."))
    return suggestions

