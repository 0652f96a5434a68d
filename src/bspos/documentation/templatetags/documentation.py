"""Blocks other apps' pages include: a client's documentation link and what of theirs expires soon
(`{% load documentation %}{% client_documentation client %}`), and the desk dashboard's panel (`{% expiring_panel %}`).
"""

from django import template

from bspos.core.permissions import Can, can
from bspos.documentation.selectors import expiring

register = template.Library()


@register.inclusion_tag("documentation/_client_block.html", takes_context=True)
def client_documentation(context, client):
    user = context["request"].user
    return {"client": client, "items": expiring(client, within_days=30, user=user)[:10],
            "staff": can(user, Can.DESK_READ)}


@register.inclusion_tag("documentation/_expiring_panel.html", takes_context=True)
def expiring_panel(context, within_days: int = 30):
    user = context["request"].user
    items = expiring(within_days=within_days, user=user) if can(user, Can.DESK_READ) else []
    return {"items": items[:10], "total": len(items), "within": within_days}
