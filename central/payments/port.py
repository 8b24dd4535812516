"""The acquirer port: what central needs from a card acquirer."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Outcome = Literal["succeeded", "failed"]


@dataclass(frozen=True)
class PaymentIntent:
    acquirer_ref: str
    redirect_url: str  # where the customer goes for 3-D Secure


@dataclass(frozen=True, order=True)
class IntentMark:
    """How far a walk through an acquirer's intents got: the last one seen, in the acquirer's
    order (creation time, then payment id)."""

    created_at: datetime
    payment_id: str


@dataclass(frozen=True)
class OpenIntent:
    """An intent the acquirer still holds: neither voided nor paid."""

    payment_id: str
    acquirer_ref: str
    created_at: datetime  # by the acquirer's clock

    @property
    def mark(self) -> IntentMark:
        return IntentMark(self.created_at, self.payment_id)


class CallbackEvent(BaseModel):
    """What an acquirer tells us after the customer's 3-D Secure step (JSON body)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")
    payment_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    outcome: Outcome
    amount_minor: int = Field(ge=0, le=10**15)
    currency: str = Field(pattern=r"^[A-Z]{3}$")


class Acquirer(ABC):
    @abstractmethod
    def create_intent(self, payment_id: str, amount_minor: int, currency: str) -> PaymentIntent:
        """Start a card payment; raises AcquirerError if the acquirer cannot."""

    @abstractmethod
    def parse_callback(self, body: bytes, signature: str | None) -> CallbackEvent:
        """Check the callback's signature and parse it; raises BadSignature or InvalidRequest."""

    @abstractmethod
    def void_intent(self, payment_id: str, acquirer_ref: str) -> None:
        """Cancel an intent no order will use (the checkout failed, or died before its commit), so
        it can never be paid; voiding one again changes nothing."""

    @abstractmethod
    def open_intents(self, after: IntentMark | None, older_than: timedelta, limit: int) -> list[OpenIntent]:
        """Intents still open that the acquirer made more than `older_than` ago (by its own clock)
        and after `after`, oldest first, at most `limit`; raises AcquirerError if it cannot say."""

    @abstractmethod
    def refund(self, payment_id: str, acquirer_ref: str, amount_minor: int, currency: str, *,
               idempotency_key: str) -> str:
        """Refund a captured payment; returns the acquirer's refund reference.

        The same idempotency key returns the first answer and moves no money again, so a refund
        whose answer central lost (a crash before its commit) is simply asked for again.
        Raises AcquirerError if the acquirer refuses (e.g. more than captured) or cannot be
        reached; central then keeps the refund due and tries again later.
        """
