from datetime import date

import pytest

from bspos.clients.models import Client
from bspos.demo.services import DemoSize, load_demo
from bspos.knowledge.models import Article, ChecklistRun, Problem
from bspos.knowledge.services import install_built_in_templates
from bspos.people.models import Role, User
from bspos.servicedesk import services as desk


@pytest.fixture
def demo(db):
    summary = load_demo(DemoSize(clients=3, months=1, seed=11, today=date(2026, 11, 20)))
    ChecklistRun.objects.all().delete()  # the demo's own knowledge: these tests start clean
    Problem.objects.all().delete()
    Article.objects.all().delete()
    install_built_in_templates()  # from a data migration; a transactional test elsewhere may have flushed them
    return summary


@pytest.fixture
def companies(demo) -> tuple[Client, Client]:
    first, second = Client.objects.filter(contacts__user__isnull=False, contacts__user__is_active=True).distinct(
    ).order_by("pk")[:2]
    return first, second


def contact_of(company: Client) -> User:
    return User.objects.filter(role=Role.CLIENT_CONTACT, contact__client=company, is_active=True).first()


def staff(username: str = "tech1") -> User:
    return User.objects.get(username=username)


def new_ticket(company: Client, subject: str, **fields):
    return desk.create_ticket(client=company, subject=subject, **fields)
