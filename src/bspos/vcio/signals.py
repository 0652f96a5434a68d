"""What higher apps (reviews) can hear from the vCIO without vcio knowing them; sent inside the service's
transaction."""

from django.dispatch import Signal

roadmap_item_decided = Signal()  # sender=RoadmapItem, item=, decision= (a RoadmapDecision)
