"""The 365 plan: 3-5 rocks a quarter (a sixth refused, fewer than three warned), quarter close, one-page PDF."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from bspos.audit.models import AuditEvent
from bspos.leadership import selectors, services
from bspos.leadership.models import Goal, Rock
from bspos.leadership.tests.factories import PlanFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_sixth_rock_in_a_quarter_is_refused_and_fewer_than_three_are_warned():
    owner = UserFactory(role=Role.OWNER)
    plan = PlanFactory()
    for n in range(2):
        services.add_rock(plan=plan, quarter=1, title=f"Rock {n}", owner=owner, by=owner)
    assert "needs 3 to 5" in selectors.quarter_close(plan, 1)["warning"]
    for n in range(2, 5):
        services.add_rock(plan=plan, quarter=1, title=f"Rock {n}", owner=owner, by=owner)
    assert selectors.quarter_close(plan, 1)["warning"] == ""
    with pytest.raises(ValidationError, match="already has 5 rocks"):
        services.add_rock(plan=plan, quarter=1, title="One too many", owner=owner, by=owner)
    assert plan.rocks.filter(quarter=1).count() == 5
    services.add_rock(plan=plan, quarter=2, title="Next quarter is its own", owner=owner, by=owner)


def test_the_page_refuses_a_sixth_rock_with_the_form_shown_again(client):
    owner = UserFactory(role=Role.OWNER)
    plan = PlanFactory()
    for n in range(5):
        services.add_rock(plan=plan, quarter=3, title=f"Rock {n}", owner=owner, by=owner)
    client.force_login(owner)
    response = client.post(reverse("leadership:rock-add", args=[2026]), {"quarter": 3, "title": "Sixth",
                                                                         "owner": owner.pk})
    assert response.status_code == 400 and "already has 5 rocks" in response.content.decode()
    assert 'value="Sixth"' in response.content.decode()


def test_closing_a_quarter_gives_the_done_rate_and_carries_the_rocks_not_done():
    owner = UserFactory(role=Role.OWNER)
    plan = PlanFactory()
    rocks = [services.add_rock(plan=plan, quarter=4, title=f"Rock {n}", owner=owner, by=owner) for n in range(4)]
    services.update_rock(rocks[0], done=True, by=owner)
    services.update_rock(rocks[1], done=True, by=owner)
    services.update_rock(rocks[2], done=False, by=owner)
    carried = services.close_quarter(plan=plan, quarter=4, by=owner)  # rocks[3] undecided: not done
    close = selectors.quarter_close(plan, 4)
    assert (close["done"], close["decided"], str(close["rate"])) == (2, 4, "50.0")
    assert {r.title for r in carried} == {"Rock 2", "Rock 3"}
    assert all(r.plan.year == 2027 and r.quarter == 1 for r in carried)  # Q4 carries into next year's Q1
    services.close_quarter(plan=plan, quarter=4, by=owner)
    assert Rock.objects.filter(plan__year=2027).count() == 2  # closing again carries nothing twice


def test_the_plan_is_one_page_pdf_every_staff_member_reads(client):
    owner = UserFactory(role=Role.OWNER)
    plan = services.save_vision(PlanFactory(), vision="The trusted partner of 60 law firms.", by=owner)
    services.add_rock(plan=plan, quarter=1, title="Hire a service manager", owner=owner, by=owner)
    client.force_login(UserFactory(role=Role.TECHNICIAN))
    assert "Hire a service manager" in client.get(reverse("leadership:plan-year", args=[2026])).content.decode()
    pdf = PdfReader(io.BytesIO(client.get(reverse("leadership:plan-pdf", args=[2026])).content))
    assert len(pdf.pages) == 1
    assert "The trusted partner of 60 law firms." in pdf.pages[0].extract_text()
    assert client.post(reverse("leadership:plan-year", args=[2026]), {"vision": "mine"}).status_code == 403


def test_a_goal_follows_a_live_figure_on_the_plan_page(client):
    owner = UserFactory(role=Role.OWNER)
    client.force_login(owner)
    response = client.post(reverse("leadership:goal-add", args=[2026]), {
        "text": "Founder under 45 hours a week", "live": "founder_hours", "target": "45", "direction": "lower"})
    assert response.status_code == 302
    assert "Founder under 45 hours a week" in client.get(reverse("leadership:plan-year", args=[2026])).content.decode()
    refused = client.post(reverse("leadership:goal-add", args=[2026]), {"text": "", "direction": "sideways"})
    assert refused.status_code == 400


def test_goals_and_rocks_are_edited_and_deleted_by_the_leadership_team_only(client):
    owner, tech = UserFactory(role=Role.OWNER), UserFactory(role=Role.TECHNICIAN, first_name="Tia")
    plan = PlanFactory()
    goal = services.add_goal(plan=plan, text="Margin 50%", live="gross_margin", target=50, by=owner)
    rock = services.add_rock(plan=plan, quarter=2, title="Hire", owner=owner, by=owner)
    client.force_login(tech)
    assert client.post(reverse("leadership:rock-delete", args=[rock.pk])).status_code == 403
    assert client.post(reverse("leadership:goal-delete", args=[goal.pk])).status_code == 403
    client.force_login(owner)
    page = client.get(reverse("leadership:plan-year", args=[2026])).content.decode()
    assert "hx-confirm=\"Delete the rock “Hire”?\"" in page and "hx-confirm=\"Delete the goal “Margin 50%”?\"" in page
    client.post(reverse("leadership:goal-save", args=[goal.pk]), {"text": "Margin 55%", "live": "gross_margin",
                                                                   "target": "55", "direction": "higher"})
    goal.refresh_from_db()
    assert (goal.text, goal.target) == ("Margin 55%", 55)
    refused = client.post(reverse("leadership:goal-save", args=[goal.pk]), {"text": "", "direction": "higher"})
    assert refused.status_code == 400 and Goal.objects.get(pk=goal.pk).text == "Margin 55%"
    client.post(reverse("leadership:rock-update", args=[rock.pk]), {"title": "Hire a service manager",
                                                                    "owner": tech.pk})
    rock.refresh_from_db()
    assert (rock.title, rock.owner, rock.on_track) == ("Hire a service manager", tech, True)
    assert client.post(reverse("leadership:rock-update", args=[rock.pk]), {"title": ""}).status_code == 400
    client.post(reverse("leadership:rock-delete", args=[rock.pk]))
    client.post(reverse("leadership:goal-delete", args=[goal.pk]))
    assert not Rock.objects.exists() and not Goal.objects.exists()
    changes = AuditEvent.objects.filter(object_id=rock.pk, content_type__model="rock").values_list("action", flat=True)
    assert set(changes) == {"created", "changed", "deleted"}
