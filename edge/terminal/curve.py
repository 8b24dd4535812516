"""CurveZMQ for the terminal API: encrypted sockets, and only known handhelds get in.

The node's secret key is in the warehouse file (`[node] curve_secret_key`); each terminal's
public key is listed under `[[terminals]]`. A handheld whose key is not listed is refused during
the handshake by ZeroMQ's authentication protocol (ZAP) and never reaches the request handler.
"""

from __future__ import annotations

import logging

import zmq
import zmq.asyncio
from zmq.auth.asyncio import AsyncioAuthenticator

log = logging.getLogger(__name__)


class KnownTerminals:
    """ZAP credentials provider: the public keys of the terminals in the warehouse file."""

    def __init__(self, keys: dict[str, str]):
        self.by_key = {key.encode(): terminal for terminal, key in keys.items()}

    def callback(self, domain: str, key: bytes) -> bool:
        terminal = self.by_key.get(key)  # ZAP hands over the key Z85-encoded
        if terminal is None:
            log.warning("refused a terminal with an unknown CurveZMQ key")
        return terminal is not None


def generate_keypair() -> tuple[str, str]:
    public, secret = zmq.curve_keypair()
    return public.decode(), secret.decode()


def public_of(secret: str) -> str:
    return zmq.curve_public(secret.encode()).decode()


def secure_server(ctx: zmq.asyncio.Context, sockets: list[zmq.Socket], secret: str,
                  terminal_keys: dict[str, str]) -> AsyncioAuthenticator:
    """Make `sockets` CurveZMQ servers admitting only `terminal_keys`; returns the running authenticator."""
    auth = AsyncioAuthenticator(ctx)
    auth.start()
    auth.configure_curve_callback("*", credentials_provider=KnownTerminals(terminal_keys))
    for sock in sockets:
        sock.curve_secretkey = secret.encode()
        sock.curve_publickey = public_of(secret).encode()
        sock.curve_server = True
    return auth
