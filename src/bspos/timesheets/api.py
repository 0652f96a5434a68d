"""REST endpoints of the timesheets app."""

from ninja import Router

router = Router(tags=["timesheets"])
