"""Resolving discrepancies: once, idempotently, by an admin, without touching stock."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from support_sync import batch, bearer, mv, set_tokens, upload

from central.bootstrap import Central
from central.errors import AlreadyResolved
from central.services.catalog import stock_levels
from central.services.discrepancies import resolve_discrepancy

RECOUNT = {"resolution": "recounted bin A-01-01-1: 3 units were never put away", "resolved_by": "anna.k"}


@pytest.fixture
def shortfall(client: TestClient, network: Central, admin_headers: dict[str, str]) -> dict[str, Any]:
    """One open discrepancy, through the upload path: wh-msk ships 8 of B where central knew of 5."""
    set_tokens(client, admin_headers)
    assert upload(client, batch([mv(1, "ship", "B", 8)])).json()["applied"] == 1
    [found] = client.get("/admin/discrepancies", headers=admin_headers).json()
    return found


def resolve(client: TestClient, discrepancy_id: object, body: object,
            headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(f"/admin/discrepancies/{discrepancy_id}/resolve", json=body, headers=headers)


def listed(client: TestClient, headers: dict[str, str], open_only: bool) -> list[dict[str, Any]]:
    resp = client.get("/admin/discrepancies", params={"open_only": open_only}, headers=headers)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_resolve_records_when_who_and_how_and_leaves_stock_alone(
        client: TestClient, network: Central, clock, shortfall: dict[str, Any],
        admin_headers: dict[str, str]) -> None:
    stock_before = stock_levels(network, None, None, 1000)
    clock.advance(minutes=30)
    resp = resolve(client, shortfall["discrepancy_id"], RECOUNT, admin_headers)
    assert resp.status_code == 200, resp.text
    view = resp.json()
    assert view == shortfall | RECOUNT | {"resolved_at": view["resolved_at"]}
    assert datetime.fromisoformat(view["resolved_at"]) == clock.now
    assert stock_levels(network, None, None, 1000) == stock_before
    assert listed(client, admin_headers, open_only=True) == []
    assert listed(client, admin_headers, open_only=False) == [view]


def test_the_same_resolution_again_is_answered_as_recorded(
        client: TestClient, clock, shortfall: dict[str, Any],
        admin_headers: dict[str, str]) -> None:
    first = resolve(client, shortfall["discrepancy_id"], RECOUNT, admin_headers)
    clock.advance(minutes=5)
    again = resolve(client, shortfall["discrepancy_id"], RECOUNT, admin_headers)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()


@pytest.mark.parametrize("change", [{"resolution": "written off as theft"}, {"resolved_by": "boris"}])
def test_a_different_resolution_is_refused_naming_the_first(
        client: TestClient, shortfall: dict[str, Any], admin_headers: dict[str, str],
        change: dict[str, str]) -> None:
    first = resolve(client, shortfall["discrepancy_id"], RECOUNT, admin_headers).json()
    resp = resolve(client, shortfall["discrepancy_id"], RECOUNT | change, admin_headers)
    assert resp.status_code == 409, resp.text
    error = resp.json()["error"]
    assert error["code"] == "already_resolved"
    assert f"discrepancy {shortfall['discrepancy_id']}" in error["message"]
    assert "anna.k" in error["message"] and first["resolved_at"][:19] in error["message"]
    assert error["details"] == {"discrepancy_id": shortfall["discrepancy_id"],
                                "resolved_at": error["details"]["resolved_at"], **RECOUNT}
    assert datetime.fromisoformat(error["details"]["resolved_at"]) == datetime.fromisoformat(
        first["resolved_at"])
    assert listed(client, admin_headers, open_only=False) == [first]


def test_people_resolving_at_once_one_wins_the_rest_are_told(
        network: Central, shortfall: dict[str, Any]) -> None:
    def attempt(n: int) -> str:
        try:
            return resolve_discrepancy(network, shortfall["discrepancy_id"], "recounted",
                                       f"clerk-{n}").resolved_by or ""
        except AlreadyResolved as refused:
            return f"refused: {refused.details['resolved_by']}"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(attempt, range(8)))
    [winner] = [o for o in outcomes if not o.startswith("refused")]
    assert outcomes.count(f"refused: {winner}") == 7


def test_unknown_discrepancy_is_404(client: TestClient, network: Central,
                                    admin_headers: dict[str, str]) -> None:
    resp = resolve(client, 4242, RECOUNT, admin_headers)
    assert resp.status_code == 404, resp.text
    assert resp.json()["error"]["code"] == "not_found"
    assert "discrepancy 4242" in resp.json()["error"]["message"]


BAD_BODIES = {
    "empty resolution": RECOUNT | {"resolution": ""},
    "blank resolution": RECOUNT | {"resolution": "   "},
    "resolution too long": RECOUNT | {"resolution": "x" * 501},
    "empty resolved_by": RECOUNT | {"resolved_by": ""},
    "resolved_by too long": RECOUNT | {"resolved_by": "y" * 65},
    "control characters": RECOUNT | {"resolution": "ok\x00"},
    "number for text": RECOUNT | {"resolution": 17},
    "null resolved_by": RECOUNT | {"resolved_by": None},
    "list for text": RECOUNT | {"resolution": ["recounted"]},
    "missing resolved_by": {"resolution": RECOUNT["resolution"]},
    "stray field": RECOUNT | {"on_hand": 8},
    "not an object": ["recounted", "anna.k"],
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_bad_body_is_422_and_changes_nothing(client: TestClient, shortfall: dict[str, Any],
                                             admin_headers: dict[str, str], body: object) -> None:
    resp = resolve(client, shortfall["discrepancy_id"], body, admin_headers)
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"]["code"] == "validation_failed"
    assert listed(client, admin_headers, open_only=True) == [shortfall]


@pytest.mark.parametrize("discrepancy_id", ["0", "-1", "abc", str(2**31), "1.5"])
def test_an_id_that_cannot_be_one_is_422(client: TestClient, network: Central,
                                         admin_headers: dict[str, str], discrepancy_id: str) -> None:
    resp = resolve(client, discrepancy_id, RECOUNT, admin_headers)
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"]["code"] == "validation_failed"


def test_longest_texts_are_accepted(client: TestClient, shortfall: dict[str, Any],
                                    admin_headers: dict[str, str]) -> None:
    body = {"resolution": "ё" * 500, "resolved_by": "Анна Петрова, HQ stock control".ljust(64, ".")}
    resp = resolve(client, shortfall["discrepancy_id"], body, admin_headers)
    assert resp.status_code == 200, resp.text
    assert {k: resp.json()[k] for k in body} == body


def test_only_the_admin_resolves(client: TestClient, shortfall: dict[str, Any],
                                 admin_headers: dict[str, str],
                                 customer_headers: Callable[[str], dict[str, str]]) -> None:
    assert resolve(client, shortfall["discrepancy_id"], RECOUNT, {}).status_code == 401
    assert resolve(client, shortfall["discrepancy_id"], RECOUNT, bearer("wh-msk")).status_code == 401
    refused = resolve(client, shortfall["discrepancy_id"], RECOUNT, customer_headers("alice"))
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
    assert listed(client, admin_headers, open_only=True) == [shortfall]


def test_the_route_and_its_typed_view_are_in_openapi(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    op = doc["paths"]["/admin/discrepancies/{discrepancy_id}/resolve"]["post"]
    ok = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/DiscrepancyView"}
    assert {"409", "404", "422"} <= set(op["responses"])
    view = doc["components"]["schemas"]["DiscrepancyView"]["properties"]
    assert {"resolved_at", "resolution", "resolved_by"} <= set(view)
