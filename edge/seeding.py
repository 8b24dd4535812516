"""Demo and benchmark stock: a small catalog received and put away through the real commands."""

from __future__ import annotations

from edge.config import WarehouseConfig
from edge.domain import commands as c
from edge.ledger.database import open_ledger
from edge.ledger.writer import LedgerWriter


def gtin13(n: int) -> str:
    body = f"460{n:09d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def seed(cfg: WarehouseConfig, skus: int, units: int) -> dict:
    """Give `skus` SKUs `units` units each, in pick faces along the path. Idempotent by key."""
    open_ledger(cfg).close()
    bins = [loc for loc in cfg.locations if loc.type == "pick_face" and loc.capacity >= units]
    dock = next(loc.code for loc in cfg.locations if loc.type == "receiving")
    if len(bins) < skus:
        raise ValueError(f"{cfg.source} has {len(bins)} pick faces with room for {units}, not {skus}")
    writer = LedgerWriter(cfg.ledger_path).start()
    failed = []
    try:
        for i in range(skus):
            sku = f"SKU-{i + 1:06d}"
            steps = [
                c.UpsertSku(f"seed-sku-{sku}", sku, f"Sample product {i + 1}", (gtin13(i + 1),), 150 + i % 900),
                c.Receive(f"seed-rcv-{sku}", sku, units, dock),
                c.Move(f"seed-put-{sku}", sku, units, dock, bins[i].code),
            ]
            for step in steps:
                outcome = writer.execute_sync(step)
                if not outcome.ok:
                    failed.append(f"{step.verb} {sku}: {outcome.message}")
    finally:
        writer.stop()
    return {"skus": skus, "units": units, "failed": failed}
