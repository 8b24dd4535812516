"""The plan day in the warehouse's time zone: local clock times to instants and back. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from central.errors import InvalidRequest

MAX_DAYS_AHEAD = 60
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class PlanDay:
    day: date
    zone: ZoneInfo

    @property
    def midnight(self) -> datetime:
        return datetime.combine(self.day, time(0), self.zone)

    @property
    def weekday(self) -> str:
        return WEEKDAYS[self.day.weekday()]

    def at(self, seconds: int) -> datetime:
        """The instant `seconds` after local midnight, in UTC."""
        return (self.midnight + timedelta(seconds=seconds)).astimezone(UTC)

    def seconds(self, instant: datetime) -> int:
        """Seconds from local midnight to `instant` (negative before the day starts)."""
        return int((instant - self.midnight).total_seconds())


def plan_day(requested: date | None, zone_name: str, now: datetime, first_shift_s: int) -> PlanDay:
    """The day asked for, or by default the next one whose first shift has not begun."""
    zone = ZoneInfo(zone_name)
    today = now.astimezone(zone).date()
    if requested is None:
        day = PlanDay(today, zone)
        return day if day.seconds(now) < first_shift_s else PlanDay(today + timedelta(days=1), zone)
    if requested < today:
        raise InvalidRequest(f"{requested.isoformat()} is in the past in {zone_name}; plan today or later",
                             service_date=requested.isoformat())
    if requested > today + timedelta(days=MAX_DAYS_AHEAD):
        raise InvalidRequest(f"{requested.isoformat()} is more than {MAX_DAYS_AHEAD} days ahead; plan nearer days",
                             service_date=requested.isoformat())
    return PlanDay(requested, zone)
