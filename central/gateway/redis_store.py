"""Buckets in Redis, shared by every worker: one Lua script takes from all of a request's
buckets atomically, on Redis's own clock (workers' clocks need not agree). If Redis cannot be
reached, this process falls back to its own buckets and says so in the log, rather than
refusing or waving through every request."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from central.gateway.buckets import Budget
from central.gateway.store import BucketStore, MemoryStore

log = logging.getLogger("central.gateway")
RETRY_REDIS_S = 5.0

# KEYS: the buckets. ARGV: cost, then rate and burst per key. Returns {1, "0"} when taken, or
# {0, seconds to wait} (a string: Lua numbers become integers on the way out).
TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local cost = tonumber(ARGV[1])
local wait, tokens = 0, {}
for i, key in ipairs(KEYS) do
  local rate, burst = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
  local s = redis.call('HMGET', key, 'tokens', 'at')
  local have = tonumber(s[1]) or burst
  local at = tonumber(s[2]) or now
  have = math.min(burst, have + math.max(0, now - at) * rate)
  tokens[i] = have
  if have < cost then wait = math.max(wait, (cost - have) / rate) end
end
if wait > 0 then return {0, tostring(wait)} end
for i, key in ipairs(KEYS) do
  local rate, burst = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
  redis.call('HSET', key, 'tokens', tostring(tokens[i] - cost), 'at', tostring(now))
  redis.call('PEXPIRE', key, math.ceil(burst / rate * 1000) + 1000)
end
return {1, '0'}
"""


class RedisStore(BucketStore):
    def __init__(self, url: str, prefix: str) -> None:
        self._redis = aioredis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._take = self._redis.register_script(TAKE)
        self._prefix = prefix
        self._fallback = MemoryStore()
        self._down_until = 0.0

    async def take(self, keys: Sequence[str], budgets: Sequence[Budget]) -> float:
        if time.monotonic() < self._down_until:
            return self._fallback.take_now(keys, budgets)
        args: list[float] = [1]
        for budget in budgets:
            args += [budget.rate, budget.burst]
        try:
            taken, wait = await self._take(keys=[self._prefix + k for k in keys], args=args)
        except (RedisError, OSError) as exc:
            log.warning("rate limits: Redis unavailable (%s); using this process's buckets for %.0f s",
                        exc, RETRY_REDIS_S)
            self._down_until = time.monotonic() + RETRY_REDIS_S
            return self._fallback.take_now(keys, budgets)
        return 0.0 if int(taken) else float(wait)

    async def close(self) -> None:
        await self._redis.aclose()
