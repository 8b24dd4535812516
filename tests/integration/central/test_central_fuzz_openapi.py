"""No request, however malformed, makes central answer 500: requests generated from
/openapi.json with hypothesis, valid-shaped and broken, with and without credentials."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_strategies import operations, request
from support_sync import bearer, set_tokens

from central.bootstrap import Central


@pytest.fixture
def auth(client: TestClient, network: Central, admin_headers: dict[str, str]
         ) -> dict[str, dict[str, str]]:
    token = client.post("/admin/customers/alice/token", headers=admin_headers).json()["token"]
    set_tokens(client, admin_headers)
    return {"none": {}, "admin": admin_headers, "alice": {"Authorization": f"Bearer {token}"},
            "junk": {"Authorization": "Bearer c1.alice.forged"}, "wh-msk": bearer("wh-msk")}


def test_every_operation_answers_json_and_never_500(client: TestClient,
                                                    auth: dict[str, dict[str, str]],
                                                    db_url: str) -> None:
    doc = client.get("/openapi.json").json()
    ops = operations(doc)
    assert {op.path for op in ops} >= {"/orders", "/orders/{order_id}", "/payments/callback",
                                       "/admin/skus", "/admin/warehouses/{warehouse_id}/feed",
                                       "/admin/discrepancies/{discrepancy_id}/resolve",
                                       "/catalog/search", "/catalog/items/{sku}", "/catalog/categories"}
    for op in ops:
        assert "responses" in op.spec and op.spec.get("operationId"), op.path
    examples = 400 if db_url.startswith("sqlite") else 200

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        op = data.draw(st.sampled_from(ops).map(lambda o: o.path), label="operation")
        op = next(o for o in ops if o.path == op)
        req = data.draw(request(doc, op, auth), label="request")
        resp = client.request(**req)
        assert resp.status_code < 500, (req, resp.status_code, resp.text)
        if resp.status_code >= 400:
            assert set(resp.json()["error"]) == {"code", "message", "details"}

    check()
