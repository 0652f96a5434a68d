"""REST endpoints of the foundation app."""

from ninja import Router

router = Router(tags=["foundation"])
