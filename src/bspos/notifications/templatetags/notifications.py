"""{% load notifications %}: the bell's count and the ticket page's watch box ({% ticket_watchers ticket %})."""

from django import template

from bspos.notifications import selectors

register = template.Library()


@register.simple_tag
def unread_count(user) -> int:
    return selectors.unread_count(user)


@register.inclusion_tag("notifications/_watchers.html", takes_context=True)
def ticket_watchers(context, ticket) -> dict:
    user = context["request"].user
    if not user.is_msp_staff:  # client contacts never see who watches
        return {"hidden": True}
    return {**selectors.watch_state(ticket, user), "csrf_token": context.get("csrf_token")}
