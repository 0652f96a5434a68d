"""Checklists and playbooks: runs per client or person, items with assignee, due date and progress, and the
"new tech onboarded in under two weeks" measure from technician-onboarding runs."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bspos.knowledge import selectors, services
from bspos.knowledge.models import ChecklistKind, ChecklistRun, ChecklistTemplate
from bspos.knowledge.tests.conftest import staff

UTC = ZoneInfo("UTC")


def template(kind: str) -> ChecklistTemplate:
    return ChecklistTemplate.objects.get(kind=kind)


def test_the_four_standard_playbooks_are_installed(demo):
    assert set(ChecklistTemplate.objects.values_list("kind", flat=True)) == set(ChecklistKind.values)
    assert services.install_built_in_templates() == 0  # idempotent


def test_a_run_copies_the_items_with_due_dates_and_completes_when_all_are_done(demo, companies):
    start = datetime(2026, 11, 2, 9, tzinfo=UTC)
    run = services.start_run(template=template(ChecklistKind.CLIENT_ONBOARDING), client=companies[0],
                             by=staff(), started_at=start, assignee=staff("tech2"))
    items = list(run.items.all())
    assert len(items) == template(ChecklistKind.CLIENT_ONBOARDING).items.count()
    assert items[0].due_on == date(2026, 11, 2) and items[-1].due_on == date(2026, 12, 2)
    assert {i.assignee.username for i in items} == {"tech2"}
    for number, item in enumerate(items):
        services.update_item(item=item, by=staff(), done=True, at=start + timedelta(days=number))
    run.refresh_from_db()
    assert run.completed_at == start + timedelta(days=len(items) - 1)
    services.update_item(item=items[0], by=staff(), done=False)
    run.refresh_from_db()
    assert run.completed_at is None
    shown = selectors.runs_with_progress(ChecklistRun.objects.filter(pk=run.pk)).get()
    assert (shown.done, shown.total) == (len(items) - 1, len(items))


def test_bad_runs_and_items_are_refused(demo, companies):
    with pytest.raises(ValidationError):
        services.start_run(template=template(ChecklistKind.TECH_ONBOARDING), client=companies[0], by=staff())
    with pytest.raises(ValidationError):
        services.start_run(template=template(ChecklistKind.MONTHLY_MAINTENANCE), person=staff(), by=staff())
    assert not ChecklistRun.objects.exists()
    run = services.start_run(template=template(ChecklistKind.OFFBOARDING), person=staff("tech3"), by=staff(),
                             started_at=datetime(2026, 11, 2, 9, tzinfo=UTC))
    with pytest.raises(ValidationError):
        services.update_item(item=run.items.first(), by=staff(), done=True, at=datetime(2026, 11, 1, tzinfo=UTC))
    assert not run.items.filter(done_at__isnull=False).exists()


def test_onboarding_measure_from_technician_runs(client, demo):
    now = timezone.now()
    quick = services.start_run(template=template(ChecklistKind.TECH_ONBOARDING), person=staff("tech1"),
                               by=staff("manager"), started_at=now - timedelta(days=30))
    slow = services.start_run(template=template(ChecklistKind.TECH_ONBOARDING), person=staff("tech2"),
                              by=staff("manager"), started_at=now - timedelta(days=40))
    for item in quick.items.all():
        services.update_item(item=item, by=staff("manager"), done=True, at=now - timedelta(days=21))
    for item in slow.items.all():
        services.update_item(item=item, by=staff("manager"), done=True, at=now - timedelta(days=20))
    measure = selectors.onboarding_measure()
    assert (measure["runs"], measure["completed"], measure["within"]) == (2, 2, 1)
    assert measure["average_days"] == 14.5 and measure["met"] is False
    client.force_login(staff("finance"))
    page = client.get(reverse("knowledge:checklists")).content.decode()
    assert "1 of 2 completed technician onboardings took under 14 days; average 14.5 days" in page
    assert "not met" in page


def test_checklist_pages_start_tick_assign_and_date(client, demo, companies):
    client.force_login(staff("manager"))
    response = client.post(reverse("knowledge:run-start"), {
        "template": template(ChecklistKind.MONTHLY_MAINTENANCE).pk, "client": companies[0].pk})
    run = ChecklistRun.objects.get()
    assert response.url == reverse("knowledge:run", args=[run.pk])
    item = run.items.first()
    client.post(reverse("knowledge:item", args=[item.pk]), {"done": "1"})
    client.post(reverse("knowledge:item", args=[item.pk]), {"assignee": staff("tech4").pk})
    client.post(reverse("knowledge:item", args=[item.pk]), {"due_on": "2027-01-31"})
    item.refresh_from_db()
    assert item.done_at and item.assignee.username == "tech4" and item.due_on == date(2027, 1, 31)
    page = client.get(reverse("knowledge:run", args=[run.pk])).content.decode()
    assert f"1 of {run.items.count()} done" in page
    listing = client.get(reverse("knowledge:checklists"), {"state": "open"}).content.decode()
    assert run.title in listing
    assert "No runs match" in client.get(reverse("knowledge:checklists"), {"state": "done"}).content.decode()
    client.post(reverse("knowledge:run-start"), {"template": "x"})
    assert ChecklistRun.objects.count() == 1
