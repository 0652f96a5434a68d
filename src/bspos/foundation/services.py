"""Writes to the foundation records: each validates, runs in a transaction and leaves an audit entry. Only the
owner changes them (staff read them; a client contact meets 404)."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from bspos.audit.services import audited, delete_audited
from bspos.core.dates import add_months
from bspos.core.permissions import Can, can, is_client_contact
from bspos.foundation.models import (
    BHAG_MAX_YEARS,
    BHAG_MIN_YEARS,
    MAX_VALUES,
    Answer,
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


def can_edit(user) -> bool:
    """The owner sets the foundation; everyone on the staff reads it."""
    return can(user, Can.BUSINESS)


def require_owner(user) -> None:
    if is_client_contact(user):
        raise Http404("Not found.")
    if not can_edit(user):
        raise PermissionDenied("Only the owner changes the foundation (business).")


def _save(instance, by, **fields):
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    with transaction.atomic(), audited(instance, by):
        instance.save()
    return instance


# --- Ideal Client Profiles --------------------------------------------------------------------------------------

def save_icp(icp: IdealClientProfile | None = None, *, by=None, **fields) -> IdealClientProfile:
    """Create or change an ICP; making one primary makes the previous primary an ordinary one (one primary)."""
    icp = icp or IdealClientProfile()
    if fields.get("min_users") is not None and fields.get("max_users") is not None \
            and fields["max_users"] < fields["min_users"]:
        raise ValidationError({"max_users": "The size range ends before it starts."})
    with transaction.atomic():
        if fields.get("is_primary"):
            for other in IdealClientProfile.objects.select_for_update().filter(is_primary=True).exclude(pk=icp.pk):
                _save(other, by, is_primary=False)
        elif icp.pk is None and not IdealClientProfile.objects.exists():
            fields["is_primary"] = True  # the first profile is the primary one
        return _save(icp, by, **fields)


def delete_icp(icp: IdealClientProfile, *, by=None) -> None:
    with transaction.atomic():
        delete_audited(icp, by)


# --- solutions --------------------------------------------------------------------------------------------------

def save_solution(solution: Solution | None = None, *, by=None, packages=None, icp_tools=None,
                  **fields) -> Solution:
    """A solution named for the outcome; a technology name is allowed but warned about on every page."""
    with transaction.atomic():
        solution = _save(solution or Solution(), by, **fields)
        if packages is not None:
            solution.packages.set(packages)
        if icp_tools is not None:
            solution.icp_tools.set(icp_tools)
    return solution


# --- values, vision, mission ------------------------------------------------------------------------------------

def save_value(value: CoreValue | None = None, *, by=None, **fields) -> CoreValue:
    """At most five core values (seed 001: three to five)."""
    with transaction.atomic():
        if value is None and CoreValue.objects.select_for_update().count() >= MAX_VALUES:
            raise ValidationError(f"You have {MAX_VALUES} core values already: three to five is the rule. Merge "
                                  "or retire one first.")
        return _save(value or CoreValue(), by, **fields)


def delete_value(value: CoreValue, *, by=None) -> None:
    with transaction.atomic():
        delete_audited(value, by)


def record_value_decision(*, value: CoreValue, kind: str, decided_on: date, people: str, description: str,
                          by=None) -> ValueDecision:
    """A hiring, firing or conflict decision the value drove (never in the future)."""
    if decided_on and decided_on > timezone.localdate():
        raise ValidationError({"decided_on": "Record a decision once it is made: the date is in the future."})
    return _save(ValueDecision(value=value, recorded_by=by), by, kind=kind, decided_on=decided_on,
                 people=people.strip(), description=description.strip())


def set_vision(*, bhag: str, target_date: date, mission: str = "", by=None, today: date | None = None) -> Vision:
    """A new current vision: the BHAG's target date 3 to 5 years out, the mission in one sentence. The measures of
    the previous vision carry over."""
    today = today or timezone.localdate()
    earliest, latest = add_months(today, 12 * BHAG_MIN_YEARS), add_months(today, 12 * BHAG_MAX_YEARS)
    errors = {}
    if not target_date or not earliest <= target_date <= latest:
        errors["target_date"] = (f"A BHAG is a 3-to-5-year target: pick a date between {earliest:%d %b %Y} and "
                                 f"{latest:%d %b %Y}.")
    mission = " ".join((mission or "").split())
    if mission.rstrip(".!?").count(". ") or mission.rstrip(".!?").count("? ") or mission.rstrip(".!?").count("! "):
        errors["mission"] = "The mission is one sentence the team can recite: this reads as several."
    if errors:
        raise ValidationError(errors)
    previous = current_vision()
    with transaction.atomic():
        vision = _save(Vision(), by, bhag=bhag.strip(), target_date=target_date, mission=mission, set_on=today)
        if previous is not None:
            VisionMeasure.objects.bulk_create([VisionMeasure(vision=vision, name=m.name, live=m.live, target=m.target,
                                                             current=m.current) for m in previous.measures.all()])
    return vision


def current_vision() -> Vision | None:
    return Vision.objects.order_by("-set_on", "-pk").first()


def add_measure(*, vision: Vision, by=None, **fields) -> VisionMeasure:
    if fields.get("live"):
        fields["current"] = None  # a live measure is read, never typed
    return _save(VisionMeasure(vision=vision), by, **fields)


def update_measure(measure: VisionMeasure, *, by=None, **fields) -> VisionMeasure:
    if measure.live and fields.get("current") is not None:
        raise ValidationError({"current": "This measure follows a live figure; there is nothing to enter."})
    return _save(measure, by, **fields)


# --- legal documents --------------------------------------------------------------------------------------------

def save_document(*, kind: str, title: str, sla_plans=None, by=None) -> LegalDocument:
    document = LegalDocument.objects.filter(kind=kind).first() or LegalDocument()
    with transaction.atomic():
        document = _save(document, by, kind=kind, title=title.strip())
        if sla_plans is not None:
            document.sla_plans.set(sla_plans)
    return document


def add_version(*, document: LegalDocument, by=None, **fields) -> LegalVersion:
    """A new version of a document (use it for all new clients; migrate existing ones at renewal)."""
    if fields.get("reviewed_on") and fields["reviewed_on"] > timezone.localdate():
        raise ValidationError({"reviewed_on": "The review date is in the future."})
    if not (fields.get("text") or "").strip() and not fields.get("file_url"):
        raise ValidationError({"text": "Give the document's text, the link to its file, or both."})
    return _save(LegalVersion(document=document), by, **fields)


def record_review(version: LegalVersion, *, reviewed_on: date, reviewed_by: str, by=None) -> LegalVersion:
    if reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": "The review date is in the future."})
    if not reviewed_by.strip():
        raise ValidationError({"reviewed_by": "Name the attorney who reviewed it."})
    return _save(version, by, reviewed_on=reviewed_on, reviewed_by=reviewed_by.strip())


def record_signature(*, client, version: LegalVersion, signed_on: date, by=None) -> Signature:
    """The client signed this version (signing it again keeps the first date)."""
    if signed_on < version.effective_on:
        raise ValidationError({"signed_on": f"Version {version.version} took effect on {version.effective_on}; it "
                                            "cannot be signed before."})
    existing = Signature.objects.filter(client=client, version=version).first()
    if existing:
        return existing
    return _save(Signature(client=client, version=version), by, signed_on=signed_on)


# --- the "done" checklist ---------------------------------------------------------------------------------------

def answer_checklist(*, line: str, answer: str, note: str = "", by=None, today: date | None = None) -> ChecklistAnswer:
    from bspos.foundation.selectors import OWNER_LINES

    if line not in OWNER_LINES:
        raise ValidationError({"line": "bspos answers this line from the data; there is nothing to answer."})
    if answer not in Answer.values:
        raise ValidationError({"answer": "Answer done, almost or not yet."})
    row = ChecklistAnswer.objects.filter(line=line).first() or ChecklistAnswer(line=line)
    return _save(row, by, answer=answer, note=note.strip(), answered_on=today or timezone.localdate())
