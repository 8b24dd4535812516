"""Operator sessions: a badge login gives a token; requests carry it.

A session lapses after `idle_s` without a request (a handheld left on a cart at the end of a shift
must not keep picking as its last user), and a badge that logs in again replaces its older session,
so a lost handheld is logged out the moment its owner scans in on another one. Failed badge scans are
rate-limited per terminal, so nobody can try badge numbers one after another. The clock comes in as
an argument (`now`), so every rule here is tested without waiting.
"""

from __future__ import annotations

import math
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from edge.config import Operator
from edge.errors import CommandRejected

SUPERVISOR = "supervisor"  # may do everything


class NotAllowed(CommandRejected):
    code = "forbidden"


class Unauthenticated(CommandRejected):
    code = "unauthenticated"


class TooManyAttempts(CommandRejected):
    code = "rate_limited"


@dataclass
class Session:
    token: str
    operator: Operator
    last_used: float

    def may(self, roles: tuple[str, ...]) -> bool:
        return not roles or SUPERVISOR in self.operator.roles or any(r in self.operator.roles for r in roles)


@dataclass
class LoginLimiter:
    """At most `attempts` failed logins per terminal within `window_s`; then that terminal waits."""

    attempts: int = 5
    window_s: float = 60.0
    _failures: dict[str, deque[float]] = field(default_factory=dict)

    def check(self, terminal: str, now: float) -> None:
        recent = self._recent(terminal, now)
        if not recent:
            self._failures.pop(terminal)  # keep the table to terminals that failed lately
        elif len(recent) >= self.attempts:
            wait = math.ceil(recent[0] + self.window_s - now)
            raise TooManyAttempts(f"too many unknown badges scanned on this terminal: wait {wait} s, "
                                  "then scan your own badge (or see your supervisor)")

    def failed(self, terminal: str, now: float) -> None:
        self._recent(terminal, now).append(now)

    def succeeded(self, terminal: str) -> None:
        self._failures.pop(terminal, None)

    def _recent(self, terminal: str, now: float) -> deque[float]:
        recent = self._failures.setdefault(terminal, deque())
        while recent and recent[0] <= now - self.window_s:
            recent.popleft()
        return recent


class Sessions:
    def __init__(self, operators: tuple[Operator, ...], now: Callable[[], float], idle_s: float = 8 * 3600.0,
                 limiter: LoginLimiter | None = None):
        self._by_badge = {op.badge: op for op in operators}
        self._by_token: dict[str, Session] = {}
        self._token_of_badge: dict[str, str] = {}
        self.now, self.idle_s = now, idle_s
        self.limiter = limiter or LoginLimiter()

    def login(self, badge: str, terminal: str = "") -> Session:
        now = self.now()
        self.limiter.check(terminal, now)
        op = self._by_badge.get(badge)
        if op is None:
            self.limiter.failed(terminal, now)
            raise Unauthenticated(f"badge {badge} is not registered in this warehouse: see your supervisor")
        self.limiter.succeeded(terminal)
        self._forget_idle(now)
        self.logout(self._token_of_badge.get(badge, ""))  # one badge, one live session
        session = Session(secrets.token_hex(16), op, now)
        self._by_token[session.token] = session
        self._token_of_badge[badge] = session.token
        return session

    def logout(self, token: str) -> None:
        session = self._by_token.pop(token, None)
        if session is not None and self._token_of_badge.get(session.operator.badge) == token:
            del self._token_of_badge[session.operator.badge]

    def get(self, token: str | None, roles: tuple[str, ...] = ()) -> Session:
        session = self._by_token.get(token or "")
        now = self.now()
        if session is not None and now - session.last_used > self.idle_s:
            self.logout(session.token)
            raise Unauthenticated("logged out after a long idle time: scan your badge")
        if session is None:
            raise Unauthenticated("not logged in (logged in elsewhere, or the node restarted): scan your badge")
        if not session.may(roles):
            raise NotAllowed(f"{session.operator.name} may not do this: it needs the {' or '.join(roles)} role")
        session.last_used = now
        return session

    def names(self) -> dict[str, str]:
        return {badge: op.name for badge, op in self._by_badge.items()}

    def _forget_idle(self, now: float) -> None:
        for token in [t for t, s in self._by_token.items() if now - s.last_used > self.idle_s]:
            self.logout(token)

    def __len__(self) -> int:
        return len(self._by_token)
