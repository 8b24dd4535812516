"""`sklad-central plan-routes`: plan a warehouse's delivery routes, print them, write the picture."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from pathlib import Path

from central.errors import InvalidRequest
from central.logistics.planning import PlanRoutes, plan_routes, plan_svg
from central.logistics.report import plan_lines
from central.logistics.solver import Budget


def add_parser(sub: argparse._SubParsersAction, db_help: str, run) -> None:  # type: ignore[type-arg, no-untyped-def]
    p = sub.add_parser("plan-routes", help="plan a warehouse's delivery routes for a day (keeps departed "
                                           "routes), print them and write the plan as SVG")
    p.add_argument("--db", help=db_help)
    p.add_argument("--warehouse", required=True, help="warehouse id")
    p.add_argument("--with", dest="with_warehouses", action="append", default=[], metavar="WAREHOUSE",
                   help="plan this warehouse too, in the same solve (multi-depot; repeatable)")
    p.add_argument("--date", type=date.fromisoformat, help="plan day YYYY-MM-DD (default: the next day whose "
                                                           "first shift has not begun)")
    p.add_argument("--cutoff", type=datetime.fromisoformat, help="orders placed by then (ISO time with offset; "
                                                                 "default: now)")
    p.add_argument("--time-budget", type=float, default=10.0, help="solver time ceiling, seconds (default 10)")
    p.add_argument("--iterations", type=int, default=20_000, help="solver iteration limit (default 20000)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--matrix", type=Path, help="CSV from_id,to_id,distance_m,duration_s (default: great-circle "
                                               "distance x detour factor at the fleet's speed)")
    p.add_argument("--svg", type=Path, help="write the plan picture here (default: plan-<warehouse>-<date>.svg)")
    p.set_defaults(run=run)


def plan_command(central, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    if args.cutoff is not None and args.cutoff.tzinfo is None:
        raise InvalidRequest("--cutoff needs a UTC offset, e.g. 2026-03-02T18:00:00+03:00")
    try:
        matrix = args.matrix.read_text(encoding="utf-8") if args.matrix else None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidRequest(f"--matrix {args.matrix}: cannot read it ({exc})") from exc
    plan = plan_routes(central, PlanRoutes(args.warehouse, args.date, args.cutoff,
                                           Budget(args.time_budget, args.iterations, args.seed), matrix,
                                           tuple(args.with_warehouses)))
    print("\n".join(plan_lines(plan)))
    for wid in (args.warehouse, *args.with_warehouses):
        default = Path(f"plan-{wid}-{plan.service_date.isoformat()}.svg")
        out = args.svg if args.svg and wid == args.warehouse else default
        out.write_text(plan_svg(central, wid, plan.service_date), encoding="utf-8")
        print(f"plan picture of {wid}: {out}")
    return 0
