"""Credentials: signed customer tokens that expire, and hashed warehouse tokens. Pure functions:
time comes in as an argument.

A customer token is `c2.<customer_id>.<expires>.<signature>`: `expires` is when it stops being
accepted (Unix seconds, UTC) and the signature an HMAC-SHA256 of the customer id and that
time under central's secret (base64url, unpadded). It is stateless: anyone holding the secret
can issue one (`sklad-central customer-token ID`, or POST /admin/customers/{id}/token). Tokens
of the older `c1.` form (no expiry) are no longer accepted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from central.errors import InvalidRequest

CUSTOMER_PREFIX = "c2"
CUSTOMER_ID = re.compile(r"[A-Za-z0-9_:-]{1,64}")  # no dot: dots separate the token's parts


@dataclass(frozen=True)
class CustomerToken:
    customer_id: str
    expires_at: datetime

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at


def _sign(secret: str, message: str) -> str:
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def issue_customer_token(secret: str, customer_id: str, expires_at: datetime) -> str:
    if not CUSTOMER_ID.fullmatch(customer_id):
        raise InvalidRequest(f"customer id {customer_id!r} must be 1-64 letters, digits, "
                             "'_', ':' or '-'")
    expires = int(expires_at.timestamp())
    return f"{CUSTOMER_PREFIX}.{customer_id}.{expires}.{_sign(secret, f'customer:{customer_id}:{expires}')}"


def read_customer_token(secret: str, token: str) -> CustomerToken | None:
    """Whose token this is and until when, or None if central did not sign it. Expiry is the
    caller's to judge (it has the clock), so it can say "expired" rather than "invalid"."""
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != CUSTOMER_PREFIX or not parts[1] or not parts[2].isdigit():
        return None
    expected = _sign(secret, f"customer:{parts[1]}:{parts[2]}")
    if not hmac.compare_digest(expected, parts[3]):
        return None
    return CustomerToken(parts[1], datetime.fromtimestamp(min(int(parts[2]), 253402300799), UTC))


def hash_token(token: str) -> str:
    """What we store for a warehouse's sync token (tokens are long random strings)."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, stored_hash: str | None) -> bool:
    return stored_hash is not None and hmac.compare_digest(hash_token(token), stored_hash)
