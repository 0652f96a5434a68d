"""Recurring tickets for the demo MSP: monthly patching (with the maintenance checklist) and a weekly backup check
for a few clients. Only templates: the recurring-ticket job creates their tickets on schedule."""

from datetime import datetime, time

from django.utils import timezone

from bspos.clients.models import Client, ClientStatus
from bspos.knowledge.models import ChecklistKind, ChecklistTemplate
from bspos.people.models import Role, User
from bspos.recurring import services
from bspos.recurring.models import Frequency
from bspos.servicedesk.models import Category, Level


def load_demo_recurring(now: datetime) -> None:
    maintenance = ChecklistTemplate.objects.filter(kind=ChecklistKind.MONTHLY_MAINTENANCE, active=True).first()
    technicians = list(User.objects.filter(role=Role.TECHNICIAN, is_active=True).order_by("pk")[:3])
    today = timezone.localdate(now)
    clients = Client.objects.filter(status=ClientStatus.ACTIVE).order_by("pk")[:4]
    for index, client in enumerate(clients):
        assignee = technicians[index % len(technicians)] if technicians else None
        services.create_template(
            by=None, now=now, client=client, subject="Monthly patching", category=Category.SOFTWARE,
            description="Approve and deploy this month's updates; reboot servers in the maintenance window.",
            impact=Level.MEDIUM, urgency=Level.LOW, assignee=assignee, checklist_template=maintenance,
            frequency=Frequency.MONTHLY, month_day=10 + index, starts_on=today, time_of_day=time(7, 0),
            days_ahead=3)
        services.create_template(
            by=None, now=now, client=client, subject="Weekly backup check", category=Category.BACKUP,
            description="Check last week's backup jobs and restore one file as a test.",
            impact=Level.LOW, urgency=Level.LOW, assignee=assignee, frequency=Frequency.WEEKLY,
            weekdays=str(index % 5), starts_on=today, time_of_day=time(9, 0), days_ahead=1)
