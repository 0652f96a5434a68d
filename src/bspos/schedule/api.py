"""REST endpoints of the schedule app."""

from ninja import Router

router = Router(tags=["schedule"])
