"""The `[replenishment]` table of the warehouse file: min/max of the pick faces per zone, with
overrides per SKU.

    [[replenishment.zones]]          # every pick face of the zone
    zone = "AMB"
    min = 6
    max = 30
    [[replenishment.skus]]           # this SKU, on whichever face holds it
    sku = "SKU-000001"
    min = 10
    max = 40
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleDecl:
    zone: str  # '' for a SKU's rule
    sku: str   # '' for a zone's rule
    min_qty: int
    max_qty: int


def _rule(r, zone: str, sku: str) -> RuleDecl:
    low, high = r.integer("min", minimum=0), r.integer("max", minimum=1)
    if high <= low:
        raise r._err("max", f"a whole number above min ({low})", high)
    return RuleDecl(zone, sku, low, high)


def parse_replenishment(top, zones: dict[str, str]) -> tuple[RuleDecl, ...]:
    """`top` is the document's reader (edge.config._Reader)."""
    table = top.sub("replenishment")
    rules = []
    for z in table.tables("zones"):
        zone = z.text("zone")
        if zone not in zones:
            raise z._err("zone", f"one of the declared zones {sorted(zones)}", zone)
        rules.append(_rule(z, zone, ""))
    rules += [_rule(s, "", s.text("sku")) for s in table.tables("skus")]
    seen = set()
    for i, rule in enumerate(rules):
        if (rule.zone, rule.sku) in seen:
            raise top._err(f"replenishment[{i}]", "one rule per zone and per SKU", rule.zone or rule.sku)
        seen.add((rule.zone, rule.sku))
    return tuple(rules)


def store_rules(conn, rules: tuple[RuleDecl, ...], at: str) -> None:
    """Replace the warehouse file's rules in the ledger (inside the caller's transaction); rules
    worked out from pick velocity stay unless the file names the same SKU."""
    conn.execute("DELETE FROM replenish_rules WHERE source = 'config'")
    conn.executemany(
        "INSERT INTO replenish_rules(zone, sku, min_qty, max_qty, source, updated_at) VALUES (?,?,?,?,'config',?) "
        "ON CONFLICT(zone, sku) DO UPDATE SET min_qty = excluded.min_qty, max_qty = excluded.max_qty, "
        "source = 'config', updated_at = excluded.updated_at",
        [(r.zone, r.sku, r.min_qty, r.max_qty, at) for r in rules])
