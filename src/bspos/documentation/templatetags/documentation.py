"""Blocks other apps' pages include: a client's documentation link and what of theirs expires soon
(`{% load documentation %}{% client_documentation client %}`), the desk dashboard's panel (`{% expiring_panel %}`),
and how a record connects (`{% related_records asset %}`, on every relatable record's page).
"""

from django import template

from bspos.core.permissions import Can, can
from bspos.documentation.models import relatable_kind
from bspos.documentation.selectors import expiring, relatable_choices
from bspos.documentation.selectors import related_records as related_records_of

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


@register.inclusion_tag("documentation/_related.html", takes_context=True)
def related_records(context, row):
    """How a record connects: its related records from either side, and (with docs.write) add and remove."""
    request = context["request"]
    user = request.user
    if not can(user, Can.DESK_READ):
        return {"shown": False}
    editing = can(user, Can.DOCS_WRITE)
    kind = relatable_kind(type(row))
    return {"shown": True, "items": related_records_of(row, user=user), "editing": editing,
            "reference": f"{kind}:{row.pk}", "next": request.get_full_path(),
            "choices": relatable_choices(row, user=user) if editing else [], "csrf_token": context.get("csrf_token")}
