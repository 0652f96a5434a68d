"""Solutions named for the outcome: a technology name is warned about, on the page and when saved."""

import pytest

from bspos.catalogue.tests.factories import AppFactory, PackageFactory
from bspos.foundation.models import Solution, technology_phrases_in
from bspos.foundation.tests.factories import IcpFactory, SolutionFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("name", "phrases"), [
    ("Legal Practice Growth System", []),
    ("Managed IT Services for Law Firms", ["it services", "managed it"]),
    ("Dental Helpdesk", ["helpdesk"]),
    ("Cloud-first compliance", ["cloud"]),
    ("Audit-Ready Accounting Practice", []),  # "it" inside a word is not the technology
])
def test_technology_phrases_are_found_as_whole_words(name, phrases):
    assert technology_phrases_in(name) == phrases


def test_saving_a_technology_name_warns_and_an_outcome_name_does_not(client):
    client.force_login(UserFactory(role=Role.OWNER))
    icp, package, tool = IcpFactory(), PackageFactory(), AppFactory(name="Clio")
    response = client.post("/foundation/solutions/", {"name": "Managed IT for lawyers", "icp": icp.pk,
                                                      "outcome": "Fewer outages", "packages": [package.pk],
                                                      "icp_tools": [tool.pk], "is_active": "on"}, follow=True)
    page = response.content.decode()
    assert "names the technology (managed it)" in page
    solution = Solution.objects.get(name="Managed IT for lawyers")
    assert list(solution.packages.all()) == [package] and list(solution.icp_tools.all()) == [tool]
    SolutionFactory(name="Legal Practice Growth System")
    listing = client.get("/foundation/solutions/?q=Growth").content.decode()
    assert "Legal Practice Growth System" in listing and "Names the technology" not in listing


def test_staff_read_solutions_and_only_the_owner_adds_one(client):
    client.force_login(UserFactory(role=Role.VCIO))
    SolutionFactory(name="Practice Growth")
    assert "Practice Growth" in client.get("/foundation/solutions/").content.decode()
    assert client.post("/foundation/solutions/", {"name": "Other", "outcome": "x"}).status_code == 403
    assert Solution.objects.count() == 1
