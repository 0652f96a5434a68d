"""`{% load sla_escalation %}{% sla_escalations ticket %}`: the ticket page's card of its plan's escalation rules and
what the SLA job has already fired on it (for the ticket page, which another part of the desk owns)."""

from django import template

from bspos.servicedesk.models import Ticket

register = template.Library()


@register.inclusion_tag("servicedesk/_sla_escalations.html", takes_context=True)
def sla_escalations(context, ticket: Ticket) -> dict:
    marks = list(ticket.sla_marks.exclude(run="history").select_related("rule").order_by("fired_at", "pk"))
    rules = list(ticket.sla_plan.escalation_rules.select_related("notify_user", "reassign_to")) if ticket.sla_plan \
        else []
    fired = {mark.rule_id for mark in marks if mark.rule_id}
    return {"ticket": ticket, "marks": marks, "rules": [(rule, rule.pk in fired) for rule in rules],
            "caps": context.get("caps", ())}
