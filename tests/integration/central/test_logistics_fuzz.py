"""The logistics and courier endpoints never answer 500, whatever arrives: requests generated from
/openapi.json with hypothesis, with admin, courier, pickup-point and junk credentials, against a
warehouse with a fleet and a planned route."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_strategies import operations, request
from support_logistics import COURIER, PP_TOKEN, Shipper, bearer, set_fleet

from central.bootstrap import Central

LOGISTICS_PATHS = {"/admin/warehouses/{warehouse_id}/fleet", "/admin/warehouses/{warehouse_id}/routes/plan",
                   "/admin/warehouses/{warehouse_id}/routes", "/admin/warehouses/{warehouse_id}/routes/plan.svg",
                   "/admin/warehouses/{warehouse_id}/vehicles/{vehicle_id}/token", "/admin/routes/{route_id}",
                   "/admin/pickup-points/{pickup_point_id}/hours", "/admin/pickup-points/{pickup_point_id}/token",
                   "/courier/v1/routes", "/courier/v1/routes/{route_id}/events", "/pickup-point/v1/events"}


@pytest.fixture
def auth(client: TestClient, network: Central, admin_headers: dict[str, str],
         customer_headers: Callable[[str], dict[str, str]]) -> dict[str, dict[str, str]]:
    shipper = Shipper(client, admin_headers, customer_headers)
    set_fleet(client, admin_headers)
    shipper.ship(shipper.paid_order("k1", "pp-msk", A=1))
    plan = client.post("/admin/warehouses/wh-msk/routes/plan", json={"max_iterations": 100}, headers=admin_headers)
    assert plan.status_code == 200, plan.text
    assert client.put("/admin/pickup-points/pp-msk/token", json={"token": PP_TOKEN},
                      headers=admin_headers).status_code == 204
    return {"none": {}, "admin": admin_headers, "courier": bearer(COURIER), "pickup_point": bearer(PP_TOKEN),
            "junk": {"Authorization": "Bearer van-9-not-a-token"}}


def test_logistics_operations_answer_json_and_never_500(client: TestClient, auth: dict[str, dict[str, str]],
                                                        db_url: str) -> None:
    doc = client.get("/openapi.json").json()
    ops = [op for op in operations(doc) if op.path in LOGISTICS_PATHS]
    assert {op.path for op in ops} == LOGISTICS_PATHS
    for op in ops:
        assert "responses" in op.spec and op.spec.get("operationId"), op.path
    # Courier and pickup-point tokens count as valid credentials here, as admin and alice do in the main fuzz test.
    weighted = auth | {"admin": auth["admin"], "alice": auth["courier"]}

    @settings(max_examples=250 if db_url.startswith("sqlite") else 120, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        path = data.draw(st.sampled_from(sorted(LOGISTICS_PATHS)), label="operation")
        op = data.draw(st.sampled_from([o for o in ops if o.path == path]), label="method")
        req = data.draw(request(doc, op, weighted), label="request")
        resp = client.request(**req)
        assert resp.status_code < 500, (req, resp.status_code, resp.text)
        if resp.status_code >= 400:
            assert set(resp.json()["error"]) == {"code", "message", "details"}

    check()
