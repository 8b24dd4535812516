"""Request bodies of the logistics endpoints (fleets, opening hours, planning, courier events)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, AwareDatetime, Field, model_validator

from central.api.schemas import Body, Id, Lat, Lon, Text, unique_by
from central.logistics.calendar import WEEKDAYS
from central.logistics.fleet import minutes

HHMM = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$", description="local time HH:MM")]
Reason = Annotated[str, Field(min_length=1, max_length=500)]


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"{name!r} is not an IANA time zone such as Europe/Moscow") from exc
    return name


class VehicleTypeIn(Body):
    vehicle_type_id: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_]+$",
                                          description="vans of this type are named <vehicle_type_id>-<n>")]
    name: Text
    capacity_kg: Annotated[float, Field(gt=0, le=100_000)]
    capacity_l: Annotated[float, Field(gt=0, le=1_000_000)]
    count: Annotated[int, Field(ge=0, le=1000)]
    shift_start: HHMM
    shift_end: HHMM
    cost_per_km_minor: Annotated[int, Field(ge=0, le=10_000_000)] = 0
    cost_per_hour_minor: Annotated[int, Field(ge=0, le=100_000_000)] = 0

    @model_validator(mode="after")
    def _shift(self) -> VehicleTypeIn:
        if minutes(self.shift_start) >= minutes(self.shift_end):
            raise ValueError(f"shift_start {self.shift_start} must be before shift_end {self.shift_end}")
        return self


class FleetIn(Body):
    timezone: Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_zone)] = "Europe/Moscow"
    speed_kmh: Annotated[float, Field(ge=1, le=150, description="average speed of the great-circle estimate")] = 30
    detour_factor: Annotated[float, Field(ge=1, le=5, description="road distance / straight-line distance")] = 1.3
    vehicle_types: Annotated[list[VehicleTypeIn], Field(max_length=50),
                             unique_by(lambda v: v.vehicle_type_id, "vehicle type")] = []


class HoursIn(Body):
    hours: Annotated[dict[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                          Annotated[list[HHMM], Field(min_length=2, max_length=2)]],
                     Field(description="weekday -> [opens, closes]; a day left out is closed")]
    service_minutes: Annotated[int, Field(ge=0, le=240)] = 5

    @model_validator(mode="after")
    def _open_before_close(self) -> HoursIn:
        for day in WEEKDAYS:
            if day in self.hours and minutes(self.hours[day][0]) >= minutes(self.hours[day][1]):
                raise ValueError(f"hours.{day}: opens {self.hours[day][0]} must be before closes {self.hours[day][1]}")
        return self


class PlanIn(Body):
    service_date: date | None = Field(None, description="default: the next day whose first shift has not begun")
    cutoff: AwareDatetime | None = Field(None, description="plan shipments of orders placed by then; default: now")
    time_budget_s: Annotated[float, Field(gt=0, le=120)] = 10.0
    max_iterations: Annotated[int, Field(ge=1, le=1_000_000)] = 20_000
    seed: Annotated[int, Field(ge=0, le=2**31 - 1)] = 1
    matrix_csv: Annotated[str | None, Field(max_length=20_000_000,
                                            description="from_id,to_id,distance_m,duration_s rows")] = None
    with_warehouses: Annotated[list[Id], Field(max_length=20, description="plan these warehouses' shipments and "
                                                                          "vans in the same solve (multi-depot)"),
                               unique_by(lambda w: w, "warehouse")] = []


class CourierEventIn(Body):
    event_id: Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")]
    type: Literal["departed", "arrived", "handed_over", "stop_failed", "position"]
    at: AwareDatetime | None = Field(None, description="when it happened; default: when central receives it")
    stop: Annotated[int | None, Field(ge=1, le=10_000)] = None
    shipment_ids: Annotated[list[Id], Field(max_length=1000), unique_by(lambda s: s, "shipment")] = []
    reason: Reason | None = None
    lat: Lat | None = None
    lon: Lon | None = None


class PickupEventIn(Body):
    event_id: Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")]
    type: Literal["collected", "not_collected"]
    shipment_id: Id
    at: AwareDatetime | None = None
    reason: Reason | None = None
