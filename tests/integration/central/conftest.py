"""Central integration fixtures: one parametrized database fixture over SQLite and PostgreSQL.

SQLite: a migrated template file is made once per session and copied for each test.
PostgreSQL: one uniquely named schema per session, migrated once, truncated before each test,
dropped at the end. PostgreSQL cases skip (with the reason) only if the server is unreachable.
"""

from __future__ import annotations

import shutil
import socket
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from support_logistics import Shipper

from central.api.app import create_app
from central.bootstrap import Central, bootstrap
from central.db import migrate
from central.db.engine import make_engine
from central.db.tables import metadata
from central.services.catalog import Site, SkuRecord, import_stock, upsert_pickup_points, upsert_skus, upsert_warehouse
from central.settings import Settings

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ADMIN_TOKEN = "test-admin-token-0123456789"
SECRET = "test-customer-secret-0123456789"
ACQUIRER_SECRET = "test-acquirer-secret-0123456789"
METRICS_TOKEN = "test-metrics-token-0123456789"


def pg_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return True
    except OSError:
        return False


def pg_url(schema: str) -> str:
    return f"{PG_SERVER}?options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("central-template") / "central.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[str]:
    if not pg_reachable():
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    schema = f"central_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    engine = make_engine(pg_url(schema))
    migrate.upgrade(engine)
    engine.dispose()
    yield schema
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()


def _truncate_pg(url: str) -> None:
    engine = make_engine(url)
    names = ", ".join(t.name for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "central.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    return request.getfixturevalue("pg_db_url")


@pytest.fixture
def pg_db_url(pg_schema: str) -> str:
    """This session's PostgreSQL schema, emptied (a module overrides `db_url` with it to run on
    PostgreSQL alone)."""
    url = pg_url(pg_schema)
    _truncate_pg(url)
    return url


@dataclass
class FakeClock:
    now: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_settings(db_url: str) -> Settings:
    # Rate limits off: one test client places dozens of orders; test_gateway.py sets its own budgets.
    return Settings(db_url=db_url, admin_token=ADMIN_TOKEN, secret=SECRET,
                    acquirer_secret=ACQUIRER_SECRET, public_url="http://testserver",
                    pool_size=12, metrics_token=METRICS_TOKEN, rate_limits="off").check()


@pytest.fixture
def central(db_url: str, clock: FakeClock) -> Iterator[Central]:
    c = bootstrap(make_settings(db_url))
    c.clock = clock
    yield c
    c.db.dispose()


@pytest.fixture
def client(central: Central) -> Iterator[TestClient]:
    with TestClient(create_app(central), raise_server_exceptions=False) as tc:
        yield tc


@pytest.fixture
def admin_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def customer_headers(client: TestClient, admin_headers: dict[str, str]
                     ) -> Callable[[str], dict[str, str]]:
    def headers(customer_id: str) -> dict[str, str]:
        resp = client.post(f"/admin/customers/{customer_id}/token", headers=admin_headers)
        assert resp.status_code == 200, resp.text
        return {"Authorization": f"Bearer {resp.json()['token']}"}

    return headers


# A small network: Moscow, Saint Petersburg and Kazan warehouses, a pickup point in each city.
WAREHOUSES = [Site("wh-msk", "Moscow", 55.75, 37.62), Site("wh-spb", "Saint Petersburg",
                                                            59.94, 30.32),
              Site("wh-kzn", "Kazan", 55.80, 49.11)]
PICKUP_POINTS = [Site("pp-msk", "Moscow PVZ", 55.76, 37.60),
                 Site("pp-spb", "Saint Petersburg PVZ", 59.93, 30.30),
                 Site("pp-kzn", "Kazan PVZ", 55.79, 49.12)]
STOCK = [("wh-msk", "A", 10), ("wh-msk", "B", 5), ("wh-spb", "A", 10), ("wh-spb", "B", 10),
         ("wh-spb", "C", 3), ("wh-kzn", "C", 10), ("wh-kzn", "D", 4)]
PRICES = {"A": 100_00, "B": 250_00, "C": 999_00, "D": 15_00, "FLASH": 1_00}


def sku_record(sku: str, price: int = 100_00) -> SkuRecord:
    return SkuRecord(sku=sku, seller_id="seller-1", name=f"Item {sku}", gtins=("4600000000017",),
                     unit_weight_g=500, length_mm=200, width_mm=100, height_mm=50,
                     lot_tracked=False, price_minor=price)


@pytest.fixture
def network(central: Central) -> Central:
    """The small network above, loaded through the catalog handlers."""
    for site in WAREHOUSES:
        upsert_warehouse(central, site)
    upsert_pickup_points(central, PICKUP_POINTS)
    upsert_skus(central, [sku_record(s, p) for s, p in PRICES.items()])
    import_stock(central, STOCK)
    return central


@pytest.fixture
def shipper(client: TestClient, network: Central, admin_headers: dict[str, str],
            customer_headers: Callable[[str], dict[str, str]]) -> Shipper:
    """Orders placed, paid and shipped through the API (support_logistics), for the logistics tests."""
    return Shipper(client, admin_headers, customer_headers)
