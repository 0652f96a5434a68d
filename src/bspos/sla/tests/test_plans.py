"""The service manager edits SLA plans, their targets, escalation rules and waiting-on-client days: on the /sla/
pages and through the API, every write through sla.services, audited, with clear refusals that change nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from bspos.audit.models import AuditEvent
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.sla import services
from bspos.sla.models import EscalationRule, SlaPlan
from bspos.sla.tests.factories import BusinessCalendarFactory, SlaPlanFactory


@pytest.fixture
def manager(db):
    return UserFactory(username="max", role=Role.SERVICE_MANAGER)


@pytest.fixture
def tech(db):
    return UserFactory(username="tess", role=Role.TECHNICIAN, first_name="Tess")


@pytest.fixture
def plan(db):
    return SlaPlanFactory(name="Gold SLA")


def signed_in(user) -> Client:
    http = Client()
    http.force_login(user)
    return http


def test_a_rule_needs_a_percentage_from_1_to_100_and_an_action(plan, manager):
    for percent in (0, 101):
        with pytest.raises(ValidationError, match="between 1 and 100"):
            services.create_rule(plan=plan, percent=percent, notify_assignee=True, by=manager)
    with pytest.raises(ValidationError, match="at least one action"):
        services.create_rule(plan=plan, percent=80, by=manager)
    assert not EscalationRule.objects.exists()


def test_a_rule_reassigns_only_to_active_staff(plan, manager, tech):
    contact = UserFactory(username="carl", role=Role.CLIENT_CONTACT)
    with pytest.raises(ValidationError, match="not an active member of staff"):
        services.create_rule(plan=plan, percent=80, reassign_to=contact, by=manager)
    tech.is_active = False
    tech.save()
    with pytest.raises(ValidationError, match="not an active member of staff"):
        services.create_rule(plan=plan, percent=80, reassign_to=tech, by=manager)


def test_one_rule_per_target_and_percentage(plan, manager):
    services.create_rule(plan=plan, percent=90, raise_priority="step", by=manager)
    with pytest.raises(ValidationError, match="already has a rule at 90%"):
        services.create_rule(plan=plan, percent=90, notify_managers=True, by=manager)
    services.create_rule(plan=plan, target="first_response", percent=90, notify_managers=True, by=manager)
    assert plan.escalation_rules.count() == 2


def test_plan_and_rule_writes_are_audited(manager):
    plan = services.create_plan(name="Silver SLA", calendar=BusinessCalendarFactory(), by=manager,
                                targets=[{"priority": 1, "first_response_minutes": 30, "resolution_minutes": 240}])
    services.update_plan(plan, remind_after_days=3, resolve_after_days=4, by=manager)
    rule = services.create_rule(plan=plan, percent=75, notify_assignee=True, by=manager)
    services.delete_rule(rule, by=manager)
    actions = list(AuditEvent.objects.filter(actor=manager).values_list("content_type__model", "action"))
    assert ("slaplan", "created") in actions and ("slaplan", "changed") in actions
    assert ("slatarget", "created") in actions
    assert ("escalationrule", "created") in actions and ("escalationrule", "deleted") in actions


def test_the_manager_adds_a_rule_on_the_plan_page_and_it_is_listed(plan, manager, tech):
    http = signed_in(manager)
    page = http.get(f"/sla/{plan.pk}/").content.decode()
    assert "service managers are always notified" in page and "No escalation rules" in page
    answer = http.post(f"/sla/{plan.pk}/rules/", {"target": "resolution", "percent": "90", "raise_priority": "step",
                                                  "reassign_to": tech.pk, "notify_assignee": "on"}, follow=True)
    assert answer.status_code == 200
    shown = answer.content.decode()
    assert "reassign to Tess" in shown and "raise the priority one step up" in shown
    assert http.get("/sla/").content.decode().count("Gold SLA") == 1


def test_a_refused_rule_shows_its_error_and_saves_nothing(plan, manager):
    http = signed_in(manager)
    answer = http.post(f"/sla/{plan.pk}/rules/", {"target": "resolution", "percent": "150", "notify_assignee": "on"})
    assert answer.status_code == 400 and "between 1 and 100" in answer.content.decode()
    nothing = http.post(f"/sla/{plan.pk}/rules/", {"target": "resolution", "percent": "80"})
    assert nothing.status_code == 400 and "at least one action" in nothing.content.decode()
    assert not EscalationRule.objects.exists()


def test_the_manager_sets_waiting_on_client_days_and_targets_on_the_plan_page(plan, manager):
    form = {"name": "Gold SLA", "calendar": plan.calendar_id, "at_risk_percent": "80", "remind_after_days": "3",
            "resolve_after_days": "4", "p1_first_response": "15", "p1_resolution": "120",
            "p2_first_response": "60", "p2_resolution": "480"}
    assert signed_in(manager).post(f"/sla/{plan.pk}/", form).status_code == 302
    plan.refresh_from_db()
    assert (plan.at_risk_percent, plan.remind_after_days, plan.resolve_after_days) == (80, 3, 4)
    assert list(plan.targets.values_list("priority", "resolution_minutes")) == [(1, 120), (2, 480)]
    bad = {**form, "p1_resolution": "10"}  # shorter than the first response
    answer = signed_in(manager).post(f"/sla/{plan.pk}/", bad)
    assert answer.status_code == 400 and "cannot be shorter than first response" in answer.content.decode()
    assert plan.targets.get(priority=1).resolution_minutes == 120  # nothing half-applied


def test_a_technician_reads_the_plan_but_cannot_change_it(plan, tech):
    http = signed_in(tech)
    page = http.get(f"/sla/{plan.pk}/").content.decode()
    assert "Add a rule" not in page and "Save plan" not in page
    assert http.post(f"/sla/{plan.pk}/rules/", {"percent": "90", "notify_assignee": "on"}).status_code == 403
    assert not EscalationRule.objects.exists()


def test_a_client_contact_meets_404_on_the_plan_pages(plan):
    contact = UserFactory(username="carl", role=Role.CLIENT_CONTACT)
    assert signed_in(contact).get(f"/sla/{plan.pk}/").status_code == 404


def test_rules_on_a_plan_through_the_api(plan, manager, tech):
    http, headers = signed_in(manager), {}  # the API takes the signed-in session too
    base = f"/api/v1/sla-plans/{plan.pk}/rules"
    made = http.post(base, {"percent": 90, "raise_priority": "step", "reassign_to_id": tech.pk},
                     content_type="application/json", headers=headers)
    assert made.status_code == 201 and made.json()["reassign_to_id"] == tech.pk
    rule_id = made.json()["id"]
    assert [r["id"] for r in http.get(base, headers=headers).json()["items"]] == [rule_id]
    patched = http.patch(f"{base}/{rule_id}", {"percent": 95, "reassign_to_id": None},
                         content_type="application/json", headers=headers)
    assert patched.status_code == 200 and patched.json()["percent"] == 95 and patched.json()["reassign_to_id"] is None
    refused = http.post(base, {"percent": 101, "notify_assignee": True}, content_type="application/json",
                        headers=headers)
    assert refused.status_code == 422
    other = SlaPlanFactory()
    assert http.get(f"/api/v1/sla-plans/{other.pk}/rules/{rule_id}", headers=headers).status_code == 404
    assert http.delete(f"{base}/{rule_id}", headers=headers).status_code == 204
    assert not EscalationRule.objects.exists()


def test_a_technician_cannot_add_rules_through_the_api(plan, tech):
    answer = signed_in(tech).post(f"/api/v1/sla-plans/{plan.pk}/rules", {"percent": 90, "notify_assignee": True},
                                  content_type="application/json")
    assert answer.status_code == 403


def test_plan_waiting_days_through_the_api(plan, manager):
    answer = signed_in(manager).patch(f"/api/v1/sla-plans/{plan.pk}", {"remind_after_days": 2,
                                                                      "resolve_after_days": 5},
                                      content_type="application/json")
    assert answer.status_code == 200 and answer.json()["remind_after_days"] == 2
    assert SlaPlan.objects.get(pk=plan.pk).resolve_after_days == 5
