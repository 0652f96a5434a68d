"""REST endpoints of the proposals app."""

from ninja import Router

router = Router(tags=["proposals"])
