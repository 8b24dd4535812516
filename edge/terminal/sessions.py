"""Operator sessions: a badge login gives a token; requests carry it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from edge.config import Operator
from edge.errors import CommandRejected


class NotAllowed(CommandRejected):
    code = "forbidden"


class Unauthenticated(CommandRejected):
    code = "unauthenticated"


@dataclass(frozen=True)
class Session:
    token: str
    operator: Operator


class Sessions:
    def __init__(self, operators: tuple[Operator, ...]):
        self._by_badge = {op.badge: op for op in operators}
        self._by_token: dict[str, Session] = {}

    def login(self, badge: str) -> Session:
        op = self._by_badge.get(badge)
        if op is None:
            raise Unauthenticated(f"badge {badge} is not registered in this warehouse: see your supervisor")
        session = Session(secrets.token_hex(16), op)
        self._by_token[session.token] = session
        return session

    def logout(self, token: str) -> None:
        self._by_token.pop(token, None)

    def get(self, token: str | None, role: str | None) -> Session:
        session = self._by_token.get(token or "")
        if session is None:
            raise Unauthenticated("not logged in (or the node restarted): scan your badge")
        if role and role not in session.operator.roles:
            raise NotAllowed(f"{session.operator.name} may not do this: it needs the {role} role")
        return session

    def __len__(self) -> int:
        return len(self._by_token)
