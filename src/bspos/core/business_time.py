"""Business time: weekly working windows in a time zone, minus holidays (no Django here, so it is easy to test).

Window edges are wall-clock minutes, converted to real instants per local date. Business minutes are therefore
real elapsed minutes: on a daylight-saving day a 24-hour calendar has 23 or 25 hours.
Edge cases, deterministic: a wall-clock edge that does not exist (spring-forward gap) is read with the offset in
force before the change (02:30 in a one-hour gap becomes 03:30); an ambiguous one (fall-back) is its first
occurrence (fold=0). A window whose end is not after its start on such a day is empty that day.
"""

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_DAYS = 3 * 366  # a due time further away than this is a calendar mistake, not a target
Interval = tuple[datetime, datetime]


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone; business time needs aware datetimes.")


class BusinessClock:
    """Counts business minutes of one calendar; intervals per local date are cached."""

    def __init__(self, time_zone: str, windows: Iterable[tuple[int, int, int]],
                 is_holiday: Callable[[date], bool] = lambda day: False) -> None:
        self.zone = ZoneInfo(time_zone)
        by_weekday: list[list[tuple[int, int]]] = [[] for _ in range(7)]
        for weekday, start, end in windows:
            if not 0 <= weekday <= 6:
                raise ValueError(f"Weekday {weekday} is out of range (0 = Monday … 6 = Sunday).")
            if not 0 <= start < end <= 1440:
                raise ValueError(f"Window {start}-{end} must satisfy 0 <= start < end <= 1440 minutes.")
            by_weekday[weekday].append((start, end))
        for weekday, day_windows in enumerate(by_weekday):
            day_windows.sort()
            for (_, previous_end), (next_start, _) in zip(day_windows, day_windows[1:], strict=False):
                if next_start < previous_end:
                    raise ValueError(f"Working windows overlap on weekday {weekday}.")
        self._windows = tuple(tuple(w) for w in by_weekday)
        self._is_holiday = is_holiday
        self._cache: dict[date, tuple[Interval, ...]] = {}

    def _instant(self, day: date, minute: int) -> datetime:
        if minute == 1440:
            day, minute = day + timedelta(days=1), 0
        local = datetime.combine(day, time(minute // 60, minute % 60), self.zone)
        return local.astimezone(UTC)

    def intervals(self, day: date) -> tuple[Interval, ...]:
        """The business intervals [start, end) of one local date, as UTC instants."""
        cached = self._cache.get(day)
        if cached is None:
            if self._is_holiday(day):
                cached = ()
            else:
                spans = ((self._instant(day, start), self._instant(day, end))
                         for start, end in self._windows[day.weekday()])
                cached = tuple((start, end) for start, end in spans if end > start)
            self._cache[day] = cached
        return cached

    def _local_date(self, moment: datetime) -> date:
        _require_aware(moment)
        return moment.astimezone(self.zone).date()

    def is_business_time(self, moment: datetime) -> bool:
        return any(start <= moment < end for start, end in self.intervals(self._local_date(moment)))

    def next_business_moment(self, moment: datetime) -> datetime:
        """The moment itself inside business time, else the start of the next business window."""
        return self.add(moment, 0)

    def add(self, start: datetime, minutes: float) -> datetime:
        """The UTC instant at which `minutes` business minutes have elapsed after `start`."""
        if minutes < 0:
            raise ValueError("Business minutes to add cannot be negative.")
        if not any(self._windows):
            raise ValueError("The calendar has no working hours, so no due time can ever be reached.")
        day = self._local_date(start)
        moment = start.astimezone(UTC)
        remaining = timedelta(minutes=minutes)
        for _ in range(MAX_DAYS):
            for window_start, window_end in self.intervals(day):
                if window_end <= moment:
                    continue
                begin = max(window_start, moment)
                available = window_end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day += timedelta(days=1)
        raise ValueError(f"No due time within {MAX_DAYS} days: the target is too long for this calendar.")

    def minutes_between(self, start: datetime, end: datetime) -> float:
        """Business minutes in [start, end); zero when end is not after start."""
        _require_aware(end)
        day, last_day = self._local_date(start), self._local_date(end)
        total = timedelta(0)
        while day <= last_day:
            for window_start, window_end in self.intervals(day):
                overlap = min(window_end, end) - max(window_start, start)
                if overlap > timedelta(0):
                    total += overlap
            day += timedelta(days=1)
        return total.total_seconds() / 60
