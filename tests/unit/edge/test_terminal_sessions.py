"""Sessions and the login limiter on a hand-driven clock."""

from __future__ import annotations

import pytest

from edge.config import Operator
from edge.terminal.sessions import LoginLimiter, NotAllowed, Sessions, TooManyAttempts, Unauthenticated

OPS = (Operator("B1", "Ann", ("picker",)), Operator("B2", "Bob", ("packer",)),
       Operator("B9", "Sue", ("supervisor",)))


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sessions(clock) -> Sessions:
    return Sessions(OPS, clock, idle_s=600, limiter=LoginLimiter(attempts=3, window_s=60))


def test_use_keeps_a_session_alive_and_idleness_ends_it(sessions, clock):
    s = sessions.login("B1")
    for _ in range(5):
        clock.t += 599
        assert sessions.get(s.token).operator.badge == "B1"
    clock.t += 601
    with pytest.raises(Unauthenticated, match="idle"):
        sessions.get(s.token)
    assert len(sessions) == 0


def test_relogin_replaces_and_idle_sessions_are_forgotten(sessions, clock):
    first = sessions.login("B1")
    second = sessions.login("B1")
    with pytest.raises(Unauthenticated, match="elsewhere"):
        sessions.get(first.token)
    assert sessions.get(second.token)
    sessions.login("B2")
    clock.t += 700
    sessions.login("B9")  # a login sweeps out sessions left idle
    assert len(sessions) == 1
    sessions.logout(second.token)  # an old token logging out harms nobody
    assert len(sessions) == 1


@pytest.mark.parametrize(("badge", "roles", "allowed"), [
    ("B1", ("picker",), True), ("B1", ("packer",), False), ("B2", ("shipper", "packer"), True),
    ("B2", ("shipper",), False), ("B9", ("packer",), True), ("B9", ("picker",), True), ("B1", (), True),
])
def test_roles(sessions, badge, roles, allowed):
    token = sessions.login(badge).token
    if allowed:
        assert sessions.get(token, roles)
    else:
        with pytest.raises(NotAllowed, match=" or ".join(roles)):
            sessions.get(token, roles)


def test_failed_logins_are_limited_per_terminal_and_age_out(sessions, clock):
    for _ in range(3):
        with pytest.raises(Unauthenticated):
            sessions.login("B666", "10.0.0.5")
        clock.t += 1
    with pytest.raises(TooManyAttempts, match="wait 57 s"):
        sessions.login("B1", "10.0.0.5")  # even a good badge waits: the terminal is locked
    assert sessions.login("B1", "10.0.0.6")  # another terminal is not
    clock.t += 58
    assert sessions.login("B1", "10.0.0.5")
    assert sessions.limiter._failures == {}


def test_a_good_login_clears_the_failures(sessions):
    for _ in range(2):
        with pytest.raises(Unauthenticated):
            sessions.login("B666", "t")
    sessions.login("B1", "t")
    for _ in range(2):
        with pytest.raises(Unauthenticated):
            sessions.login("B666", "t")
    assert sessions.login("B2", "t")
