"""Returns inspection on a handheld, pure: scan the return label and a unit, key how many, choose
what becomes of them (restock into a bin, quarantine, or dispose with a reason)."""

from __future__ import annotations

from terminal_ui.flows import FlowSpec, is_item
from terminal_ui.forms import Step, Values

OUTCOMES = (("1", "restock"), ("2", "quarantine"), ("3", "dispose"))
REASONS = (("1", "damaged"), ("2", "used"), ("3", "parts missing"), ("4", "expired"))


def _received(answer: dict) -> str | None:
    if answer["state"] == "received":
        return None
    return f"Return {answer['return_id']} is {answer['state']}: take it in with Returns in first"


def _suggest_bin(v: Values) -> tuple[str, dict] | None:
    """Only a restock needs a bin; the suggestion is the put-away one, from the returns desk."""
    if v["outcome"] != "restock":
        return None
    return "putaway_suggest", {"item": v["sku"], "qty": v["qty"], "from_location": v["location"]}


RETURN_INSPECT = FlowSpec(
    "INSPECT RETURN",
    (Step("return", "Scan the return label",
          lookup=lambda v: ("return", {"return_id": v["return"]}), accept=_received),
     Step("item", "Scan a returned unit", lookup=lambda v: ("scan", {"code": v["item"]}), accept=is_item),
     Step("qty", "Key qty of {sku} inspected, Enter", number=True),
     Step("outcome", "1 restock 2 quarantine 3 dispose", choices=OUTCOMES, lookup=_suggest_bin),
     Step("to", "Scan bin {to_location} (or another)", skip=lambda v: v["outcome"] != "restock"),
     Step("reason", "Why? 1 damaged 2 used 3 parts 4 expired", choices=REASONS,
          skip=lambda v: v["outcome"] != "dispose")),
    "return_inspect", (("return_id", "return_id"), ("item", "sku"), ("qty", "qty"), ("outcome", "outcome"),
                       ("to_location", "to"), ("reason", "reason")),
    "{outcome}: {qty} x {sku}, {uninspected} left",
    info=("Return {return_id} (order {order_id})", "{sku} x {qty}", "Restock to {to_location} ({zone})"),
    keep=("return", "return_id", "order_id", "state", "location", "lines"),  # the next unit of the same return
)
