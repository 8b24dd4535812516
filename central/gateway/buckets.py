"""Token buckets. Pure: time comes in as an argument."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    rate: float  # tokens added per second
    burst: int  # the bucket's size: requests allowed at once after a quiet spell

    def __post_init__(self) -> None:
        if not (self.rate > 0 and self.burst >= 1):
            raise ValueError(f"a budget needs rate > 0 and burst >= 1, got {self.rate}/{self.burst}")


@dataclass(frozen=True)
class Bucket:
    tokens: float
    at: float  # when `tokens` was counted, in seconds


def refill(bucket: Bucket | None, budget: Budget, now: float) -> Bucket:
    if bucket is None:
        return Bucket(float(budget.burst), now)
    return Bucket(min(float(budget.burst), bucket.tokens + max(0.0, now - bucket.at) * budget.rate), now)


def wait_for(bucket: Bucket, budget: Budget, cost: float = 1.0) -> float:
    """Seconds until the bucket holds `cost` tokens (0 if it does now)."""
    return max(0.0, (cost - bucket.tokens) / budget.rate)


def take_all(buckets: list[Bucket | None], budgets: list[Budget], now: float, cost: float = 1.0
             ) -> tuple[float, list[Bucket]]:
    """Take `cost` from every bucket, or from none: (seconds to wait, 0 if taken; new buckets).

    All or none, so a request refused by one budget does not spend another's tokens.
    """
    full = [refill(b, budget, now) for b, budget in zip(buckets, budgets, strict=True)]
    wait = max((wait_for(b, budget, cost) for b, budget in zip(full, budgets, strict=True)), default=0.0)
    if wait > 0:
        return wait, full
    return 0.0, [Bucket(b.tokens - cost, now) for b in full]
