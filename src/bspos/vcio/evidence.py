"""Files that back an assessment's answers (a backup report, a screenshot of the firewall rules).

The limits, storing and serving are the ticket attachments' (servicedesk.attachments, docs/attachments.md): checked
before anything is written, stored under a random name, served only as a download. Who may add or remove one is
the answer's rule (`services.answer_refusal`): nobody once the assessment is shared or closed.
"""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from bspos.audit.services import delete_audited, record, snapshot
from bspos.servicedesk import attachments
from bspos.vcio import services
from bspos.vcio.models import Answer, Assessment, EvidenceFile


def _changeable_answer(assessment: Assessment, question: str, by) -> tuple[Assessment, Answer]:
    assessment = services.locked(assessment)
    answer = assessment.answers.filter(question=question).first()
    if refusal := services.answer_refusal(assessment, answer, by=by):
        raise ValidationError({"attachments": refusal})
    if answer is None:
        raise ValidationError({"attachments": f"Answer {question} first; a file backs an answer."})
    return assessment, answer


@transaction.atomic
def add_evidence(*, assessment: Assessment, question: str, files: Sequence, by=None) -> list[EvidenceFile]:
    """Store files on one answer; a preparer's file sends the answer back to the vCIO's review."""
    attachments.check(files)
    if not files:
        raise ValidationError({"attachments": "Choose at least one file."})
    assessment, answer = _changeable_answer(assessment, question, by)
    rows = [attachments.store(EvidenceFile(answer=answer), file, by=by) for file in files]
    if answer.review != Answer.Review.WAITING and not services.reviews(by):
        before = snapshot(answer)
        answer.review = Answer.Review.WAITING
        answer.save(update_fields=["review"])
        record(by, answer, before)
    return rows


@transaction.atomic
def save_answers_with_files(assessment: Assessment, posted: dict, files: dict[str, Sequence], *, by=None) -> int:
    """The answers form: answers and evidence (`services.save_answers`), then each answer's new files
    (question code → files), all or nothing; every file is checked before anything is written."""
    files = {code: list(group) for code, group in files.items() if group}
    attachments.check([file for group in files.values() for file in group])
    saved = services.save_answers(assessment, posted, by=by)
    for code, group in files.items():
        add_evidence(assessment=assessment, question=code, files=group, by=by)
    return saved


@transaction.atomic
def remove_evidence(*, file: EvidenceFile, by=None) -> None:
    """Remove one file from an answer (its bytes go once the delete has committed)."""
    _changeable_answer(file.answer.assessment, file.answer.question, by)
    delete_audited(file, by)


@receiver(post_delete, sender=EvidenceFile, dispatch_uid="vcio.evidence_file_removed")
def _remove_bytes(sender, instance: EvidenceFile, **kwargs) -> None:
    attachments.remove_bytes(instance.file)
