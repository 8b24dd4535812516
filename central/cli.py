"""`sklad-central`: serve, migrate, seed, sweep, plan-routes, customer-token.

TLS: `serve --ssl-certfile cert.pem --ssl-keyfile key.pem` makes uvicorn itself speak HTTPS
(every worker loads the pair); edge nodes then use an `https://` central URL. Without the two
options central speaks plain HTTP and belongs behind a TLS-terminating proxy, because sync
tokens travel as bearer headers.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from central.bootstrap import bootstrap, utc_now
from central.db import migrate
from central.db.engine import make_engine
from central.errors import CentralError, ConfigError
from central.logistics import cli as logistics_cli
from central.settings import ENV_PREFIX, LOG_FORMAT, Settings
from central.tokens import issue_customer_token

log = logging.getLogger("central")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    try:
        return args.run(args)
    except CentralError as exc:
        print(f"sklad-central: {exc.message}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sklad-central", description=__doc__)
    sub = p.add_subparsers(required=True, metavar="COMMAND")
    db_help = f"database URL (default: ${ENV_PREFIX}DB_URL or sqlite:///var/central.db)"

    s = sub.add_parser("serve", help="run the HTTP API (migrates first)")
    s.add_argument("--db", help=db_help)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--workers", type=int, default=1)
    s.add_argument("--hold-minutes", type=float, help="stock hold before an unpaid order expires")
    s.add_argument("--public-url", help="base URL customers reach us at (3-D Secure redirects)")
    s.add_argument("--no-access-log", action="store_true")
    s.add_argument("--redis", metavar="URL", help="share rate-limit buckets between workers and servers in "
                   "this Redis (redis://host:6379/0); default: each worker keeps its own")
    s.add_argument("--rate-limits", metavar="SPEC", help='e.g. "search.ip=20/60,checkout.customer=1/5" '
                   '(RATE per second/BURST), or "off"')
    s.add_argument("--ssl-certfile", help="PEM certificate (chain): serve HTTPS (needs --ssl-keyfile)")
    s.add_argument("--ssl-keyfile", help="PEM private key of --ssl-certfile")
    s.add_argument("--admin-token-file", default="var/central-admin-token",
                   help=f"where a generated admin token is written (mode 0600) when ${ENV_PREFIX}ADMIN_TOKEN "
                        "is not set; it never goes to the log (default: %(default)s)")
    s.set_defaults(run=_serve)

    m = sub.add_parser("migrate", help="upgrade the database schema to the latest version")
    m.add_argument("--db", help=db_help)
    m.set_defaults(run=_migrate)

    d = sub.add_parser("seed", help="load a sample network and catalog (migrates first)")
    d.add_argument("--db", help=db_help)
    d.add_argument("--skus", type=int, default=10_000)
    d.add_argument("--pickup-points", type=int, default=120)
    d.add_argument("--warehouses", type=int, default=6, choices=range(1, 7))
    d.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
    d.set_defaults(run=_seed)

    w = sub.add_parser("sweep", help="expire unpaid orders whose hold ran out, refund "
                                     "cancelled paid orders and void orphan payment intents, once")
    w.add_argument("--db", help=db_help)
    w.set_defaults(run=_sweep)

    logistics_cli.add_parser(sub, db_help, _plan_routes)

    t = sub.add_parser("customer-token", help=f"print a customer's token (needs ${ENV_PREFIX}"
                                              "SECRET as the server has it)")
    t.add_argument("customer_id")
    t.add_argument("--days", type=float, default=Settings.customer_token_days,
                   help="how long the token is accepted (default: %(default)s days)")
    t.set_defaults(run=_customer_token)
    return p


def _settings(args: argparse.Namespace, strict: bool = False) -> Settings:
    env = dict(os.environ)
    if getattr(args, "db", None):
        env[ENV_PREFIX + "DB_URL"] = args.db
    if not strict:
        for name in ("ADMIN_TOKEN", "SECRET", "ACQUIRER_SECRET"):
            env.setdefault(ENV_PREFIX + name, "-" * 16)
    return Settings.from_env(env)


def _migrate(args: argparse.Namespace) -> int:
    engine = make_engine(_settings(args).db_url)
    migrate.upgrade(engine)
    print(f"database at revision {migrate.current_revision(engine)}")
    engine.dispose()
    return 0


def _seed(args: argparse.Namespace) -> int:
    from central.services.seed import SeedSize, seed

    central = bootstrap(_settings(args))
    migrate.upgrade(central.db.engine)
    counts = seed(central, SeedSize(args.skus, args.pickup_points, args.warehouses), args.seed)
    print(json.dumps(counts))
    central.db.dispose()
    return 0


def _sweep(args: argparse.Namespace) -> int:
    from central.services.sweep import sweep_once

    central = bootstrap(_settings(args))
    expired = refunded = voided = 0
    while (done := sweep_once(central)).worked:
        expired, refunded, voided = expired + done.expired, refunded + done.refunded, voided + done.voided
    print(f"expired {expired} unpaid orders, refunded {refunded} payments, voided {voided} orphan payment intents")
    return 0


def _plan_routes(args: argparse.Namespace) -> int:
    central = bootstrap(_settings(args))
    migrate.upgrade(central.db.engine)
    try:
        return logistics_cli.plan_command(central, args)
    finally:
        central.db.dispose()


def _customer_token(args: argparse.Namespace) -> int:
    secret = os.environ.get(ENV_PREFIX + "SECRET", "")
    if len(secret) < 16:
        raise CentralError(f"set {ENV_PREFIX}SECRET to the secret the server runs with")
    print(issue_customer_token(secret, args.customer_id, utc_now() + timedelta(days=args.days)))
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from central.api.protocol import HTTP_PROTOCOL

    if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
        raise ConfigError("TLS needs both --ssl-certfile and --ssl-keyfile")
    settings = _serve_settings(args)
    engine = make_engine(settings.db_url)
    migrate.upgrade(engine)
    engine.dispose()
    os.environ.update(settings.to_env())
    if args.workers > 1:
        os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR",
                              tempfile.mkdtemp(prefix="sklad-central-metrics-"))
    uvicorn.run("central.api.app:create_app_from_env", factory=True, host=args.host,
                port=args.port, workers=args.workers, access_log=not args.no_access_log,
                http=HTTP_PROTOCOL, loop=_event_loop(),
                ssl_certfile=args.ssl_certfile, ssl_keyfile=args.ssl_keyfile)
    return 0


def _keep_private(path: Path, secret: str) -> None:
    """Write a secret to a file only its owner may read (never to the log)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)  # a file made earlier by someone else keeps its own mode: start afresh
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(secret + "\n")


def _event_loop() -> str:
    """uvloop when installed (less CPU per request than asyncio's loop), else asyncio."""
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return "asyncio"
    return "uvloop"


def _serve_settings(args: argparse.Namespace) -> Settings:
    """Settings for serve; secrets not given are generated once here for all workers."""
    for name in ("ADMIN_TOKEN", "SECRET", "ACQUIRER_SECRET"):
        if not os.environ.get(ENV_PREFIX + name):
            os.environ[ENV_PREFIX + name] = secrets.token_urlsafe(32)
            if name == "ADMIN_TOKEN":
                _keep_private(Path(args.admin_token_file), os.environ[ENV_PREFIX + name])
                log.warning("no %sADMIN_TOKEN set; generated one for this run, in %s (readable by this "
                            "user only)", ENV_PREFIX, args.admin_token_file)
    settings = _settings(args, strict=True)
    changes: dict[str, object] = {
        "public_url": args.public_url or os.environ.get(ENV_PREFIX + "PUBLIC_URL")
        or f"{'https' if args.ssl_certfile else 'http'}://{args.host}:{args.port}"}
    if args.hold_minutes is not None:
        changes["hold_minutes"] = args.hold_minutes
    if args.redis is not None:
        changes["redis_url"] = args.redis
    if args.rate_limits is not None:
        changes["rate_limits"] = args.rate_limits
    return replace(settings, **changes).check()  # type: ignore[arg-type]


if __name__ == "__main__":
    raise SystemExit(main())
