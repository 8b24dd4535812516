"""The handlers of waves, batches and the put wall, by command type (joined into HANDLERS)."""

from __future__ import annotations

from edge.domain import batch_commands as b
from edge.handlers import batches, putwall, waves

BATCH_HANDLERS = {
    b.PlanWaves: waves.plan_waves,
    b.ReleaseWave: waves.release_wave,
    b.StartBatch: batches.start_batch,
    b.BatchPick: batches.batch_pick,
    b.BatchShort: batches.batch_short,
    b.AssignWall: putwall.assign_wall,
    b.ConfirmPut: putwall.confirm_put,
}
