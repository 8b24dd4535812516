"""The life of an order as master control sees it: one transition table every path obeys."""

from __future__ import annotations

from devices.robots.errors import LocalError

NONE = "NONE"  # this vehicle never had an order from us
SENT = "SENT"  # sent, no state has echoed its orderId and orderUpdateId yet
ACCEPTED = "ACCEPTED"  # a state echoed it; the vehicle works on it
UPDATING = "UPDATING"  # an update of an accepted order is sent, not echoed yet
CANCELLING = "CANCELLING"  # cancelOrder sent, not FINISHED yet
FINISHED = "FINISHED"  # no node or edge left and every action final
FAILED = "FAILED"  # a fatal error, or the vehicle lost the order
REJECTED = "REJECTED"  # the vehicle's errors name the order
CANCELLED = "CANCELLED"  # cancelOrder FINISHED (or there was nothing to cancel)
UNANSWERED = "UNANSWERED"  # resent as often as allowed and never echoed

IDLE_STATES = (NONE, FINISHED, FAILED, REJECTED, CANCELLED, UNANSWERED)
ACTIVE_STATES = (SENT, ACCEPTED, UPDATING, CANCELLING)

TRANSITIONS: dict[tuple[str, str], str] = {
    **{(idle, "send"): SENT for idle in IDLE_STATES},
    (SENT, "send"): SENT,  # a fresh order replaces one nobody answered yet
    (SENT, "echo"): ACCEPTED,
    (SENT, "rejected"): REJECTED,
    (SENT, "unanswered"): UNANSWERED,
    (SENT, "cancel"): CANCELLING,
    (ACCEPTED, "update"): UPDATING,
    (ACCEPTED, "finished"): FINISHED,
    (ACCEPTED, "failed"): FAILED,
    (ACCEPTED, "cancel"): CANCELLING,
    (UPDATING, "echo"): ACCEPTED,
    (UPDATING, "rejected"): ACCEPTED,  # the vehicle keeps the previous base (§6.6.4.3)
    (UPDATING, "unanswered"): ACCEPTED,  # it drives what it has and stops at the end of its base
    (UPDATING, "failed"): FAILED,
    (UPDATING, "cancel"): CANCELLING,
    (CANCELLING, "cancelled"): CANCELLED,
    (CANCELLING, "unanswered"): FAILED,  # a vehicle that will not confirm a cancel is out of our hands
    (CANCELLING, "failed"): FAILED,
}


def step(state: str, trigger: str) -> str:
    try:
        return TRANSITIONS[(state, trigger)]
    except KeyError:
        raise LocalError(f"an order that is {state} cannot take {trigger!r}") from None
