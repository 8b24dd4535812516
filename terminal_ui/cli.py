"""`sklad-terminal`: the handheld and the supervisor console, in a terminal or served to browsers.

    sklad-terminal handheld   --node tcp://HOST:PORT [--no-sound] [CurveZMQ keys]
    sklad-terminal supervisor --node tcp://HOST:PORT --pub tcp://HOST:PORT --badge B9001 [CurveZMQ keys]
    sklad-terminal serve --app handheld|supervisor --port N [--host 127.0.0.1] --node ... [app options]

`serve` runs one app process per browser session (textual-serve); the badge login inside the app
is the authentication, and it binds to 127.0.0.1 unless --host says otherwise.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys

CURVE_ENV = ("SKLAD_NODE_PUBLIC_KEY", "SKLAD_TERMINAL_PUBLIC_KEY", "SKLAD_TERMINAL_SECRET_KEY")


def _endpoint(text: str) -> str:
    if not text.startswith(("tcp://", "ipc://")) or ":" not in text.removeprefix("tcp://"):
        raise argparse.ArgumentTypeError(f"expected an endpoint like tcp://10.0.0.5:5555, got {text!r}")
    return text


def _key(text: str) -> str:
    if len(text) != 40:
        raise argparse.ArgumentTypeError("expected a 40-character Z85 CurveZMQ key (sklad-edge keygen makes one)")
    return text


def _link_options(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--node", type=_endpoint, required=True, help="the node's terminal endpoint (ROUTER)")
    ap.add_argument("--node-key", type=_key, help="the node's CurveZMQ public key (or $SKLAD_NODE_PUBLIC_KEY)")
    ap.add_argument("--public-key", type=_key, help="this terminal's public key (or $SKLAD_TERMINAL_PUBLIC_KEY)")
    ap.add_argument("--secret-key", type=_key, help="this terminal's secret key (or $SKLAD_TERMINAL_SECRET_KEY)")
    ap.add_argument("--timeout", type=float, default=1.5, help="seconds before a request is sent again")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="sklad-terminal", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    hh = sub.add_parser("handheld", help="the handheld app (40x16 and up)")
    _link_options(hh)
    hh.add_argument("--pub", type=_endpoint, help="the node's event endpoint (not needed by the handheld)")
    hh.add_argument("--no-sound", action="store_true", help="no bell on a refused scan (F4 toggles it)")
    sv = sub.add_parser("supervisor", help="the supervisor console (80x24 and up)")
    _link_options(sv)
    sv.add_argument("--pub", type=_endpoint, required=True, help="the node's event endpoint (PUB)")
    sv.add_argument("--badge", help="log in with this supervisor badge (else the console asks for it)")
    se = sub.add_parser("serve", help="serve an app to browsers with textual-serve")
    se.add_argument("--app", choices=("handheld", "supervisor"), required=True)
    se.add_argument("--port", type=int, required=True)
    se.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1 only)")
    se.add_argument("rest", nargs=argparse.REMAINDER, help="the app's own options (--node ...)")
    return ap


def curve_of(args: argparse.Namespace) -> tuple[str, str, str] | None:
    keys = (args.node_key or os.environ.get(CURVE_ENV[0]), args.public_key or os.environ.get(CURVE_ENV[1]),
            args.secret_key or os.environ.get(CURVE_ENV[2]))
    if not any(keys):
        return None
    if not all(keys):
        raise SystemExit("sklad-terminal: CurveZMQ needs all three keys: --node-key, --public-key, --secret-key")
    return keys


def client_of(args: argparse.Namespace, retries: int | None):
    from terminal_ui.client import TerminalClient

    return TerminalClient(args.node, timeout=args.timeout, retries=retries, curve=curve_of(args))


def serve(args: argparse.Namespace) -> int:
    from textual_serve.server import Server

    rest = [a for a in args.rest if a != "--"]
    app_args = parser().parse_args([args.app, *rest])  # refuse bad app options now, not per browser
    del app_args
    command = shlex.join([sys.executable, "-m", "terminal_ui.cli", args.app, *rest])
    Server(command, host=args.host, port=args.port, title=f"Sklad {args.app}").serve()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.cmd == "serve":
        return serve(args)
    if args.cmd == "handheld":
        from terminal_ui.handheld import HandheldApp

        # A handheld resends a request until it is answered (same id, same key).
        HandheldApp(client_of(args, retries=None), sound=not args.no_sound).run()
        return 0
    from terminal_ui.supervisor import SupervisorApp

    # The console asks again on its next round instead: it shows a node that does not answer.
    SupervisorApp(client_of(args, retries=0), args.pub, badge=args.badge).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
