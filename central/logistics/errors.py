"""Logistics errors: subclasses of central's hierarchy, so the HTTP layer maps them as usual."""

from __future__ import annotations

from central.errors import Conflict, Forbidden, InvalidRequest, NotFound


class UnknownShipment(NotFound):
    code = "unknown_shipment"


class NotOnRoute(Conflict):
    """A courier named a shipment or stop that is not on the route it reports for."""

    code = "not_on_route"


class OutOfOrder(Conflict):
    """An event the route's, stop's or shipment's state does not allow yet (or any more)."""

    code = "out_of_order"


class NotYourRoute(Forbidden):
    code = "not_your_route"


class EventReused(Conflict):
    """The same event id sent again with a different body."""

    code = "event_id_reused"


class BadMatrix(InvalidRequest):
    """An operator's distance/duration matrix that cannot be used as it is."""

    code = "bad_matrix"


class UnknownVehicle(NotFound):
    code = "unknown_vehicle"


class UnknownRoute(NotFound):
    code = "unknown_route"
