"""Every date and time is shown in the viewer's zone: theirs when set on their account, else the MSP's."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone


class UserTimeZone:
    """Activates the signed-in person's time zone for the request (default: settings.TIME_ZONE, the MSP's)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone = getattr(user, "time_zone", "") if user is not None and user.is_authenticated else ""
        try:
            timezone.activate(ZoneInfo(zone or settings.TIME_ZONE))
        except (ZoneInfoNotFoundError, ValueError):  # a zone the installed tz database no longer knows
            timezone.activate(ZoneInfo(settings.TIME_ZONE))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
