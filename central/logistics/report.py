"""The plan as text for a terminal: one line per van, then the unrouted shipments and why."""

from __future__ import annotations

from central.logistics.views import PlanView


def plan_lines(plan: PlanView) -> list[str]:
    lines = [f"{plan.warehouse_id} {plan.service_date.isoformat()}: {len(plan.routes)} vans, "
             f"{sum(len(r.stops) for r in plan.routes)} stops, {sum(r.distance_km for r in plan.routes):.1f} km, "
             f"{len(plan.unrouted)} unrouted"]
    for r in plan.routes:
        shipments = sum(len(s.shipments) for s in r.stops)
        van = f"{r.warehouse_id}/{r.vehicle_id}"
        lines.append(f"  {van:<20} {r.status:<9} {len(r.stops):>3} stops {shipments:>4} shipments "
                     f"{r.distance_km:>7.1f} km  load {r.load_pct:>5.1f}%  "
                     f"{r.departs_at:%H:%M}-{r.returns_at:%H:%M} UTC")
    for u in plan.unrouted:
        lines.append(f"  unrouted {u.shipment_id} -> {u.pickup_point_id}: {u.reason}")
    if plan.solver:
        s = plan.solver
        lines.append(f"  solver: {s.iterations} iterations in {s.runtime_s:.1f} s (budget {s.time_budget_s:g} s, "
                     f"max {s.max_iterations} iterations, seed {s.seed}), stopped by {s.stopped_by}")
    return lines
