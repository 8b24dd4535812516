"""A sandbox acquirer: no network, HMAC-SHA256-signed callbacks, a fake 3-D Secure page.

The customer is sent to `{public_url}/sandbox/3ds/{payment_id}`; approving or declining
there makes the sandbox produce the signed callback a real acquirer would POST to
/payments/callback (header `X-Acquirer-Signature: <hex hmac of the raw body>`).

The intent's reference carries its amount, so any central process (the server's sweeper, or
`sklad-central sweep`) can refund it. Refunds and voids take an idempotency key: the same key
gets the first answer again, from the sandbox's books (central.payments.books), which outlive
the process — so a central that crashed after a refund and asks again is not refunded twice.
Like a real acquirer it remembers every intent it made, so it can list the ones still open
(central's sweeper voids those no committed payment uses), and a voided intent is never paid.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

from pydantic import ValidationError

from central.errors import AcquirerError, BadSignature, InvalidRequest
from central.payments.books import INTENT, REFUND, VOID, Operation, SandboxBooks
from central.payments.port import Acquirer, CallbackEvent, IntentMark, OpenIntent, Outcome, PaymentIntent

SIGNATURE_HEADER = "X-Acquirer-Signature"


class SandboxAcquirer(Acquirer):
    def __init__(self, secret: str, public_url: str, books: SandboxBooks) -> None:
        self._secret = secret.encode()
        self._public_url = public_url.rstrip("/")
        self.books = books

    def create_intent(self, payment_id: str, amount_minor: int, currency: str) -> PaymentIntent:
        ref = self.books.record(Operation(f"{INTENT}:{payment_id}", INTENT, payment_id, amount_minor,
                                          f"sbx-{payment_id}-{amount_minor}-{currency}")).result
        return PaymentIntent(acquirer_ref=ref, redirect_url=f"{self._public_url}/sandbox/3ds/{payment_id}")

    def sign(self, body: bytes) -> str:
        return hmac.new(self._secret, body, hashlib.sha256).hexdigest()

    def callback_for(
        self, event_id: str, payment_id: str, outcome: Outcome, amount_minor: int, currency: str
    ) -> tuple[bytes, str]:
        """The body and signature the sandbox sends once the customer has done 3-D Secure;
        AcquirerError for an intent it voided (such an intent can take no money)."""
        if outcome == "succeeded" and self.books.recall(f"{VOID}:{payment_id}") is not None:
            raise AcquirerError(f"the sandbox voided payment {payment_id}'s intent: it cannot be paid; "
                                "place the order again", payment_id=payment_id)
        event = CallbackEvent(event_id=event_id, payment_id=payment_id, outcome=outcome,
                              amount_minor=amount_minor, currency=currency)
        body = event.model_dump_json().encode()
        return body, self.sign(body)

    def parse_callback(self, body: bytes, signature: str | None) -> CallbackEvent:
        if not signature:
            raise BadSignature(f"acquirer callback without a {SIGNATURE_HEADER} header")
        if not hmac.compare_digest(self.sign(body), signature.strip().lower()):
            raise BadSignature("acquirer callback signature does not match its body")
        try:
            return CallbackEvent.model_validate(json.loads(body))
        except (ValueError, ValidationError) as exc:
            raise InvalidRequest(f"acquirer callback body is not a valid event: {exc}") from exc

    def refund(self, payment_id: str, acquirer_ref: str, amount_minor: int, currency: str, *,
               idempotency_key: str) -> str:
        key = f"{REFUND}:{idempotency_key}"
        if (first := self.books.recall(key)) is not None:
            return _same_request(first, payment_id, amount_minor)
        ref_payment, captured, captured_currency = _parse_ref(acquirer_ref)
        if ref_payment != payment_id:
            raise AcquirerError(f"sandbox reference {acquirer_ref} is not payment {payment_id}'s",
                                payment_id=payment_id)
        left = captured - self.books.refunded(payment_id)
        if currency != captured_currency or not 0 < amount_minor <= left:
            raise AcquirerError(f"sandbox refuses a refund of {amount_minor} {currency}: payment "
                                f"{payment_id} captured {captured} {captured_currency}, "
                                f"{left} of it not refunded yet", payment_id=payment_id)
        kept = self.books.record(Operation(key, REFUND, payment_id, amount_minor,
                                           f"sbx-refund-{idempotency_key}"))
        return _same_request(kept, payment_id, amount_minor)

    def void_intent(self, payment_id: str, acquirer_ref: str) -> None:
        ref_payment, _, _ = _parse_ref(acquirer_ref)
        if ref_payment != payment_id:
            raise AcquirerError(f"sandbox reference {acquirer_ref} is not payment {payment_id}'s",
                                payment_id=payment_id)
        self.books.record(Operation(f"{VOID}:{payment_id}", VOID, payment_id, 0, f"sbx-void-{payment_id}"))

    def open_intents(self, after: IntentMark | None, older_than: timedelta, limit: int) -> list[OpenIntent]:
        return self.books.open_intents(after, older_than, limit)


def _same_request(first: Operation, payment_id: str, amount_minor: int) -> str:
    """The first answer to a key, if this request is the one it answered."""
    if (first.payment_id, first.amount_minor) != (payment_id, amount_minor):
        raise AcquirerError(f"idempotency key {first.key} was used for {first.amount_minor} on payment "
                            f"{first.payment_id}; a different request needs a new key", payment_id=payment_id)
    return first.result


def _parse_ref(acquirer_ref: str) -> tuple[str, int, str]:
    """`sbx-{payment_id}-{amount_minor}-{currency}` back into its parts."""
    parts = acquirer_ref.removeprefix("sbx-").rsplit("-", 2)
    if not acquirer_ref.startswith("sbx-") or len(parts) != 3 or not parts[1].isdigit():
        raise AcquirerError(f"sandbox does not know the payment reference {acquirer_ref!r}")
    return parts[0], int(parts[1]), parts[2]
