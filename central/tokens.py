"""Credentials: signed customer tokens and hashed warehouse tokens. Pure functions.

A customer token is `c1.<customer_id>.<signature>`, where the signature is an HMAC-SHA256
of the customer id under central's secret. It is stateless: anyone holding the secret can
issue one (`sklad-central customer-token ID`, or POST /admin/customers/{id}/token).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from central.errors import InvalidRequest

CUSTOMER_PREFIX = "c1"
CUSTOMER_ID = re.compile(r"[A-Za-z0-9_:-]{1,64}")  # no dot: dots separate the token's parts


def _sign(secret: str, message: str) -> str:
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def issue_customer_token(secret: str, customer_id: str) -> str:
    if not CUSTOMER_ID.fullmatch(customer_id):
        raise InvalidRequest(f"customer id {customer_id!r} must be 1-64 letters, digits, "
                             "'_', ':' or '-'")
    return f"{CUSTOMER_PREFIX}.{customer_id}.{_sign(secret, 'customer:' + customer_id)}"


def customer_from_token(secret: str, token: str) -> str | None:
    """The customer id the token was issued for, or None if it is not a valid token."""
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != CUSTOMER_PREFIX or not parts[1]:
        return None
    expected = _sign(secret, "customer:" + parts[1])
    return parts[1] if hmac.compare_digest(expected, parts[2]) else None


def hash_token(token: str) -> str:
    """What we store for a warehouse's sync token (tokens are long random strings)."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, stored_hash: str | None) -> bool:
    return stored_hash is not None and hmac.compare_digest(hash_token(token), stored_hash)
