"""HTTP hardening: authentication before the body is even read, a body limit answered 413 before
any parsing, 405 with Allow, /metrics behind a token, customer tokens that expire."""

from __future__ import annotations

import re
from collections.abc import Iterator

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from central.api.limits import DEFAULT_LIMIT
from central.bootstrap import Central

PUBLIC = {"/healthz", "/payments/callback"}
GARBAGE = b'{"lines": [ this is not json'


def token_routes(client: TestClient) -> Iterator[tuple[str, str]]:
    doc = client.get("/openapi.json").json()
    for path, ops in doc["paths"].items():
        if path in PUBLIC:
            continue
        for method in ops:
            yield method.upper(), re.sub(r"\{[^}]+\}", "x1", path)


def test_no_token_is_401_before_the_body_is_read(client: TestClient, network: Central) -> None:
    routes = list(token_routes(client))
    assert len(routes) > 15
    for method, path in routes:
        resp = client.request(method, path, content=GARBAGE, headers={"Content-Type": "application/json"})
        assert resp.status_code == 401, (method, path, resp.status_code, resp.text)
        assert resp.headers["WWW-Authenticate"] == "Bearer"
        wrong = client.request(method, path, content=GARBAGE,
                               headers={"Content-Type": "application/json", "Authorization": "Bearer c2.x.1.y"})
        assert wrong.status_code == 401, (method, path, wrong.status_code, wrong.text)


def test_a_body_over_the_limit_is_413_before_parsing(client: TestClient, network: Central,
                                                    admin_headers: dict[str, str]) -> None:
    too_big = b"[" * (DEFAULT_LIMIT + 1)  # not JSON either: it must not get as far as the parser
    resp = client.put("/admin/skus", content=too_big, headers=admin_headers | {"Content-Type": "application/json"})
    assert resp.status_code == 413
    assert resp.json()["error"]["code"] == "body_too_large"
    assert str(DEFAULT_LIMIT) in resp.json()["error"]["message"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams in
        for _ in range(DEFAULT_LIMIT // 65536 + 2):
            yield b"[" * 65536

    streamed = client.put("/admin/skus", content=chunks(), headers=admin_headers | {"Content-Type": "application/json"})
    assert streamed.status_code == 413
    assert streamed.json()["error"]["code"] == "body_too_large"
    callback = client.post("/payments/callback", content=b"{" * 20_000, headers={"X-Acquirer-Signature": "ab"})
    assert callback.status_code == 413


def test_405_says_which_methods_are_allowed(client: TestClient, network: Central,
                                            admin_headers: dict[str, str]) -> None:
    resp = client.get("/orders", headers=admin_headers)
    assert resp.status_code == 405
    assert resp.headers["Allow"] == "POST"
    assert resp.json()["error"]["code"] == "method_not_allowed"
    assert client.delete("/admin/warehouses/wh-msk", headers=admin_headers).headers["Allow"] == "PUT"
    assert client.put("/healthz").headers["Allow"] == "GET"


def test_metrics_need_the_admin_or_the_metrics_token(client: TestClient, network: Central,
                                                     admin_headers: dict[str, str], customer_headers) -> None:
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers=customer_headers("alice")).status_code == 403
    assert client.get("/metrics", headers=admin_headers).status_code == 200
    metrics_token = {"Authorization": f"Bearer {network.settings.metrics_token}"}
    assert 'central_http_requests_total{method="GET",route="unmatched",status="401"}' in \
        client.get("/metrics", headers=metrics_token).text  # refused before routing: counted all the same


def test_customer_tokens_expire(client: TestClient, network: Central, admin_headers: dict[str, str], clock) -> None:
    issued = client.post("/admin/customers/alice/token", headers=admin_headers).json()
    me = {"Authorization": f"Bearer {issued['token']}"}
    assert issued["token"].startswith("c2.alice.")
    assert client.get("/orders/ord-1", headers=me).status_code == 404  # valid: the order is just not there
    clock.advance(network.settings.customer_token_days * 24 * 60 + 1)
    expired = client.get("/orders/ord-1", headers=me)
    assert expired.status_code == 401
    assert "expired" in expired.json()["error"]["message"]


def test_metric_names_follow_prometheus_conventions(client: TestClient, network: Central,
                                                    admin_headers: dict[str, str]) -> None:
    client.get("/healthz")
    families = list(text_string_to_metric_families(client.get("/metrics", headers=admin_headers).text))
    ours = {f.name: f for f in families if f.name.startswith("central_")}
    assert "central_http_request_duration_seconds" in ours and "central_http_requests" in ours
    for name, family in ours.items():
        samples = {s.name for s in family.samples}
        if family.type == "counter":  # the parser drops the _total of the family; the samples keep it
            assert samples <= {f"{name}_total", f"{name}_created"}, (name, samples)
        elif family.type == "histogram":
            assert name.endswith(("_seconds", "_bytes")), name
        else:
            assert not name.endswith("_total"), name
