"""Values with the decisions they drove, the vision as a BHAG with live progress, the mission in one sentence."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from bspos.clients.tests.factories import ClientFactory
from bspos.foundation import selectors, services
from bspos.foundation.models import CoreValue, Vision
from bspos.foundation.tests.factories import ValueFactory, VisionFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 3)


def test_a_value_without_a_real_decision_is_shown_as_marketing_copy(client):
    honest = ValueFactory(name="Own the outcome")
    services.record_value_decision(value=honest, kind="hiring", decided_on=date(2026, 3, 2),
                                   people="Candidate J. Doe; Olive (owner)", description="Brilliant, but blamed "
                                                                                         "clients: not hired.")
    ValueFactory(name="Integrity", behaviour="Be honest.")
    client.force_login(UserFactory(role=Role.TECHNICIAN))
    page = client.get("/foundation/").content.decode()
    articles = {a.split("</h3>")[0].split("<h3>")[1].split(" <span")[0]: a
                for a in page.split('<article class="value">')[1:]}
    assert "marketing copy" in articles["Integrity"]
    own = articles["Own the outcome"]
    assert "marketing copy" not in own and "Brilliant, but blamed clients" in own


def test_a_sixth_value_is_refused():
    for n in range(5):
        services.save_value(name=f"V{n}", behaviour="b", would_fire=True)
    with pytest.raises(ValidationError, match="5 core values already"):
        services.save_value(name="V6", behaviour="b")
    assert CoreValue.objects.count() == 5


def test_a_decision_in_the_future_is_refused():
    with pytest.raises(ValidationError):
        services.record_value_decision(value=ValueFactory(), kind="firing", decided_on=date.today() + timedelta(1),
                                       people="x", description="y")


@pytest.mark.parametrize(("target", "ok"), [(date(2029, 12, 3), True), (date(2031, 12, 3), True),
                                            (date(2029, 12, 2), False), (date(2031, 12, 4), False)])
def test_the_bhag_is_three_to_five_years_out(target, ok):
    if ok:
        assert services.set_vision(bhag="b", target_date=target, today=TODAY).target_date == target
    else:
        with pytest.raises(ValidationError, match="3-to-5-year"):
            services.set_vision(bhag="b", target_date=target, today=TODAY)


def test_the_mission_is_one_sentence():
    with pytest.raises(ValidationError, match="one sentence"):
        services.set_vision(bhag="b", target_date=date(2030, 6, 1), mission="We help firms. We also fix PCs.",
                            today=TODAY)
    assert Vision.objects.count() == 0
    vision = services.set_vision(bhag="b", target_date=date(2030, 6, 1), mission="We keep law firms billing.",
                                 today=TODAY)
    assert vision.mission == "We keep law firms billing."


def test_bhag_progress_follows_live_figures_and_entered_numbers():
    vision = VisionFactory()
    ClientFactory.create_batch(3)
    services.add_measure(vision=vision, name="Active clients", live="active_clients", target=Decimal("60"))
    services.add_measure(vision=vision, name="Net promoter score", target=Decimal("50"), current=Decimal("40"))
    rows = {r["measure"].name: r for r in selectors.vision_progress(vision, TODAY)}
    assert rows["Active clients"]["value"] == 3 and rows["Active clients"]["progress"] == Decimal("5.0")
    assert rows["Net promoter score"]["progress"] == Decimal("80.0")


def test_a_new_vision_keeps_the_measures_of_the_previous_one():
    first = VisionFactory()
    services.add_measure(vision=first, name="ARR", live="arr", target=Decimal("5000000"))
    second = services.set_vision(bhag="Bigger", target_date=date(2031, 1, 1), today=TODAY)
    assert [m.name for m in second.measures.all()] == ["ARR"]
    assert selectors.current_vision() == second
