"""`{% load recurring %}{% client_recurring client %}`: a client's recurring tickets, for the client page."""

from django import template

from bspos.recurring.models import RecurringTicket

register = template.Library()


@register.inclusion_tag("recurring/_client.html", takes_context=True)
def client_recurring(context, client) -> dict:
    templates = RecurringTicket.objects.filter(client=client, ended_at__isnull=True).select_related("assignee")
    return {"client": client, "templates": templates.order_by("subject", "pk")[:20],
            "caps": context.get("caps", frozenset())}
