"""Customer tokens, warehouse token hashes, sandbox acquirer signatures, settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from memory_books import MemoryBooks

from central.errors import BadSignature, ConfigError, InvalidRequest
from central.payments.sandbox import SandboxAcquirer
from central.settings import Settings
from central.tokens import CustomerToken, hash_token, issue_customer_token, read_customer_token, token_matches

SECRET = "s" * 32


def test_customer_token_round_trip_expiry_and_forgery() -> None:
    expires = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
    token = issue_customer_token(SECRET, "alice", expires)
    assert token.startswith(f"c2.alice.{int(expires.timestamp())}.")
    read = read_customer_token(SECRET, token)
    assert read == CustomerToken("alice", expires)
    assert not read.expired(expires - timedelta(seconds=1)) and read.expired(expires)
    assert read_customer_token("other" * 8, token) is None
    assert read_customer_token(SECRET, token.replace("alice", "bob")) is None
    later = token.replace(str(int(expires.timestamp())), str(int(expires.timestamp()) + 86400))
    assert read_customer_token(SECRET, later) is None  # the expiry is signed too
    for junk in ("", "c2..1.x", "c1.alice.x", "a.b", "c2.alice.x.y", "c2.alice.-1.y", token + ".z"):
        assert read_customer_token(SECRET, junk) is None


def test_warehouse_tokens_are_kept_as_hashes() -> None:
    stored = hash_token("warehouse-secret-token")
    assert "warehouse" not in stored
    assert token_matches("warehouse-secret-token", stored)
    assert not token_matches("warehouse-secret-tokeN", stored)
    assert not token_matches("anything", None)


def test_sandbox_callbacks_are_signed_and_checked() -> None:
    sandbox = SandboxAcquirer("acq" * 8, "http://central:8000/", MemoryBooks())
    intent = sandbox.create_intent("pay-1", 100_00, "RUB")
    assert intent.redirect_url == "http://central:8000/sandbox/3ds/pay-1"
    body, sig = sandbox.callback_for("evt-1", "pay-1", "succeeded", 100_00, "RUB")
    event = sandbox.parse_callback(body, sig)
    assert (event.payment_id, event.outcome, event.amount_minor) == ("pay-1", "succeeded", 100_00)
    with pytest.raises(BadSignature, match="does not match"):
        sandbox.parse_callback(body.replace(b"10000", b"1"), sig)
    with pytest.raises(BadSignature, match="without"):
        sandbox.parse_callback(body, None)
    junk = b'{"event_id": 5}'
    with pytest.raises(InvalidRequest, match="not a valid event"):
        sandbox.parse_callback(junk, sandbox.sign(junk))


def test_settings_from_env() -> None:
    env = {"SKLAD_CENTRAL_ADMIN_TOKEN": "a" * 16, "SKLAD_CENTRAL_SECRET": "b" * 16,
           "SKLAD_CENTRAL_ACQUIRER_SECRET": "c" * 16, "SKLAD_CENTRAL_HOLD_MINUTES": "2.5"}
    settings = Settings.from_env(env)
    assert settings.hold_minutes == 2.5
    assert Settings.from_env(settings.to_env()) == settings
    with pytest.raises(ConfigError, match="ADMIN_TOKEN"):
        Settings.from_env({})
    with pytest.raises(ConfigError, match="not a valid float"):
        Settings.from_env(env | {"SKLAD_CENTRAL_HOLD_MINUTES": "soon"})


def test_customer_ids_that_would_break_the_token_are_refused() -> None:
    with pytest.raises(InvalidRequest, match="customer id"):
        issue_customer_token(SECRET, "al.ice", datetime(2026, 4, 1, tzinfo=UTC))
