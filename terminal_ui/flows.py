"""The short handheld flows as forms: which scans, in which order, what the node is asked on the way,
the request they end in, and what the screen says afterwards. Pure data and small functions."""

from __future__ import annotations

from dataclasses import dataclass

from terminal_ui.forms import Step, Values


@dataclass(frozen=True)
class FlowSpec:
    title: str
    steps: tuple[Step, ...]
    op: str
    args: tuple[tuple[str, str], ...]      # (request arg, value name); missing optional values are left out
    done: str                              # formatted with the values and the node's answer
    info: tuple[str, ...] = ()             # lines shown once their values are known
    keep: tuple[str, ...] = ()             # values the next round starts with (the door, the station)

    def request(self, values: Values) -> tuple[str, dict]:
        return self.op, {arg: values[name] for arg, name in self.args if values.get(name) is not None}


def is_item(answer: dict) -> str | None:
    return None if answer.get("kind") == "item" else f"{answer.get('code')} is a {answer.get('kind')}: scan the item"


def _packable(answer: dict) -> str | None:
    return None if answer.get("shipment_id") else f"Tote {answer['tote']} holds no order: nothing to pack"


def _shippable(answer: dict) -> str | None:
    status = answer["status"]
    return None if status == "packed" else f"Shipment {answer['shipment_id']} is {status}: only packed ones ship"


def _lot_known(v: Values) -> bool:
    """No lot to ask: the item is not lot-tracked, or its GS1 scan carried the lot."""
    return not v.get("lot_tracked") or bool(v.get("lot"))


RECEIVE = FlowSpec(
    "RECEIVE",
    (Step("door", "Scan the receiving door"),
     Step("item", "Scan the item", lookup=lambda v: ("expected", {"item": v["item"]})),
     Step("lot", "Scan or key the lot of {name}", skip=_lot_known),
     Step("qty", "Key qty received of {name}, Enter", number=True)),
    "receive", (("item", "sku"), ("qty", "qty"), ("location", "door"), ("lot", "lot"), ("expiry", "expiry")),
    "Received {qty} x {name} at {door}",
    info=("Door {door}", "{name}", "ASN expects {expected}, {received} in so far"),
    keep=("door",),
)

PUTAWAY = FlowSpec(
    "PUT AWAY",
    (Step("from", "Scan the bin or door to take from"),
     Step("item", "Scan the item", lookup=lambda v: ("scan", {"code": v["item"]}), accept=is_item),
     Step("lot", "Scan or key the lot of {sku}", skip=_lot_known),
     Step("qty", "Key qty to put away, Enter", number=True,
          lookup=lambda v: ("putaway_suggest", {"item": v["sku"], "qty": v["qty"], "from_location": v["from"]})),
     Step("to", "Scan bin {to_location} (or another)")),
    "putaway", (("item", "sku"), ("qty", "qty"), ("from_location", "from"), ("to_location", "to"), ("lot", "lot")),
    "Put {qty} x {sku} into {to}",
    info=("{sku} x {qty}", "Go to {to_location} ({zone})"),
    keep=("from",),
)

COUNT = FlowSpec(
    "COUNT",
    (Step("bin", "Scan the bin to count"),
     Step("item", "Scan the item", lookup=lambda v: ("scan", {"code": v["item"]}), accept=is_item),
     Step("counted", "Key how many {sku} you count, Enter", number=True, zero=True)),
    "count", (("location", "bin"), ("item", "sku"), ("counted", "counted"), ("lot", "lot")),
    "Counted {counted} x {sku} in {bin}",
    info=("Bin {bin}", "{sku}"),
    keep=("bin",),
)

PACK = FlowSpec(
    "PACK",
    (Step("tote", "Scan the tote", lookup=lambda v: ("tote", {"tote": v["tote"]}), accept=_packable),
     Step("station", "Scan the pack station")),
    "pack", (("tote", "tote"), ("shipment_id", "shipment_id"), ("station", "station")),
    "Packed {units} units of {shipment_id}; {weight}",
    info=("Order {shipment_id}", "Weight should be {expected_weight_g} g"),
    keep=("station",),
)

SHIP = FlowSpec(
    "SHIP",
    (Step("shipment", "Scan the shipment label",
          lookup=lambda v: ("shipment", {"shipment_id": v["shipment"]}), accept=_shippable),
     Step("dock", "Scan the dock door")),
    "ship", (("shipment_id", "shipment_id"), ("dock", "dock")),
    "Shipped {shipment_id} ({units} units) at {dock}",
    info=("Shipment {shipment_id}: {status}", "To {pickup_point}"),
    keep=("dock",),
)
