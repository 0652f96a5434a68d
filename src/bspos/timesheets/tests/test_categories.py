"""The service manager manages the internal categories: add, rename (every entry follows), retire (no new time,
old entries keep it), delete only one never used."""

import pytest
from django.core.exceptions import ValidationError

from bspos.servicedesk import services as desk
from bspos.servicedesk.models import TimeCategory, TimeEntry
from bspos.timesheets.tests.conftest import WEEK, at


def test_the_installation_starts_with_the_usual_categories(db):
    assert {"meeting", "training", "admin", "travel"} <= set(TimeCategory.objects.in_use().values_list("code",
                                                                                                       flat=True))


def test_the_manager_adds_renames_and_retires_a_category(client, tech, manager):
    client.force_login(manager)
    client.post("/time/categories/", {"name": "Vendor calls", "is_active": "on", "position": "3"})
    category = TimeCategory.objects.get(code="vendor-calls")
    entry = desk.log_time(technician=tech, internal_category="vendor-calls", minutes=20, started_at=at(WEEK))
    client.post("/time/categories/", {"category": category.pk, "name": "Vendor and distributor calls",
                                      "position": "3"})  # "in use" unticked: retired
    category.refresh_from_db()
    assert category.name == "Vendor and distributor calls" and not category.is_active
    assert TimeEntry.objects.get(pk=entry.pk).category_name == "Vendor and distributor calls"
    with pytest.raises(ValidationError, match="not an internal category in use"):
        desk.log_time(technician=tech, internal_category="vendor-calls", minutes=20, started_at=at(WEEK))
    client.force_login(tech)
    assert "Vendor and distributor calls" not in client.get("/time/").content.decode().split('id="add-entry"')[1]


def test_a_category_with_time_is_not_deleted(client, tech, manager, logged):
    client.force_login(manager)
    meeting = TimeCategory.objects.get(code="meeting")
    response = client.post(f"/time/categories/{meeting.pk}/delete/", follow=True)
    assert "retire it instead" in response.content.decode() and TimeCategory.objects.filter(pk=meeting.pk).exists()
    unused = TimeCategory.objects.get(code="project")
    client.post(f"/time/categories/{unused.pk}/delete/")
    assert not TimeCategory.objects.filter(pk=unused.pk).exists()


def test_only_the_service_manager_manages_categories(client, tech):
    client.force_login(tech)
    assert client.get("/time/categories/").status_code == 403
    assert client.post("/time/categories/", {"name": "Naps"}).status_code == 403
