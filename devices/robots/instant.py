"""Instant actions master control sends (VDA 5050 §6.8), each with a fresh actionId."""

from __future__ import annotations

from devices.robots.messages import Action, InstantActions


def _one(action_type: str, action_id: str, blocking: str = "HARD", **params: object) -> InstantActions:
    return InstantActions((Action(action_type, action_id, blocking, tuple(params.items())),))


def cancel_order(action_id: str) -> InstantActions:
    return _one("cancelOrder", action_id)


def start_pause(action_id: str) -> InstantActions:
    return _one("startPause", action_id)


def stop_pause(action_id: str) -> InstantActions:
    return _one("stopPause", action_id)


def factsheet_request(action_id: str) -> InstantActions:
    return _one("factsheetRequest", action_id, "NONE")


def state_request(action_id: str) -> InstantActions:
    return _one("stateRequest", action_id, "NONE")


def stop_charging(action_id: str) -> InstantActions:
    return _one("stopCharging", action_id)


def init_position(action_id: str, x: float, y: float, theta: float, map_id: str, last_node_id: str) -> InstantActions:
    return _one("initPosition", action_id, x=x, y=y, theta=theta, mapId=map_id, lastNodeId=last_node_id)
