import pytest
from django.core.management import call_command

from bspos.people.models import Role, User


@pytest.mark.django_db
def test_createsuperuser_makes_the_owner(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-owner-passphrase")
    call_command("createsuperuser", interactive=False, username="founder", email="founder@example.com", verbosity=0)
    founder = User.objects.get(username="founder")
    assert founder.role == Role.OWNER
    assert founder.is_superuser and founder.is_msp_staff
    assert founder.check_password("a-long-owner-passphrase")
