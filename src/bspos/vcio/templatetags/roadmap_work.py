"""{% load roadmap_work %}: the project a roadmap item became (`{% item_project item as project %}`), for the
roadmap and the SBR pages; a page's projects are read in one query per client and kept for the rest of the render."""

from django import template

from bspos.vcio import work

register = template.Library()


@register.simple_tag(takes_context=True)
def item_project(context, item):
    if item is None:
        return None
    cache = context.render_context.setdefault("roadmap_item_projects", {})
    if item.client_id not in cache:
        cache[item.client_id] = work.item_projects(item.client_id)
    return cache[item.client_id].get(item.pk)
