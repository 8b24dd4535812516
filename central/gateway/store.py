"""Where buckets live. `BucketStore` is the port; `MemoryStore` keeps them in this process."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence

from central.gateway.buckets import Bucket, Budget, take_all

MAX_BUCKETS = 200_000  # a flood of distinct IPs evicts the least recently used, not the process


class BucketStore:
    async def take(self, keys: Sequence[str], budgets: Sequence[Budget]) -> float:
        """Spend one token from each bucket, or none: seconds to wait, 0 if spent."""
        raise NotImplementedError

    async def close(self) -> None:
        """Release connections (nothing to do in process)."""


class MemoryStore(BucketStore):
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: OrderedDict[str, Bucket] = OrderedDict()

    async def take(self, keys: Sequence[str], budgets: Sequence[Budget]) -> float:
        return self.take_now(keys, budgets)

    def take_now(self, keys: Sequence[str], budgets: Sequence[Budget]) -> float:
        with self._lock:
            wait, buckets = take_all([self._buckets.get(k) for k in keys], list(budgets), self._clock())
            for key, bucket in zip(keys, buckets, strict=True):
                self._buckets[key] = bucket
                self._buckets.move_to_end(key)
            while len(self._buckets) > MAX_BUCKETS:
                self._buckets.popitem(last=False)
            return wait
