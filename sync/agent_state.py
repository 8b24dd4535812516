"""The sync agent's state as people see it: one transition table every path of the agent obeys.

Events: `contact` (central answered), `unreachable` (network, 5xx, refused token), `fenced`
(central refused this node's history), `refused` (central refused a batch as malformed: the same
bytes would be refused for ever), `stopped`. Blocked and fenced are left only by restarting the
node (after `sklad-edge rejoin`, or once the node is repaired). Pure: no I/O.
"""

from __future__ import annotations

EVENTS = ("contact", "unreachable", "fenced", "refused", "stopped")
_MOVES = {"contact": "online", "unreachable": "offline", "fenced": "fenced", "refused": "blocked",
          "stopped": "stopped"}
_HOLD = {event: None for event in EVENTS}  # None: stay as it is

TRANSITIONS: dict[str, dict[str, str | None]] = {
    "starting": _MOVES,
    "online": _MOVES,
    "offline": _MOVES,
    "stopped": _MOVES,
    "fenced": _HOLD | {"fenced": "fenced"},   # a newer fence message replaces the older one
    "blocked": _HOLD,
}
STICKY = frozenset(s for s, moves in TRANSITIONS.items() if moves["contact"] is None)


def next_state(state: str, event: str) -> str | None:
    """The state after `event`, or None if the event leaves the state (and its problem) alone."""
    return TRANSITIONS[state][event]
