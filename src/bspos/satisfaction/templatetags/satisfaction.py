"""`{% load satisfaction %}{% ticket_rating ticket %}`: the contact's rating of a ticket, for the ticket page."""

from django import template

from bspos.satisfaction import selectors

register = template.Library()


@register.inclusion_tag("satisfaction/_ticket_rating.html")
def ticket_rating(ticket) -> dict:
    return {"survey": selectors.latest_survey(ticket), "ticket": ticket}
