"""The terminal API end to end in-process: a real node (ledger writer, ROUTER + PUB on loopback) and
real DEALER/SUB sockets."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3

import orjson
import pytest
import zmq
import zmq.asyncio

from edge.domain import commands as c
from edge.ledger.batch import apply_batch
from edge.ledger.connection import connect_writer
from edge.ledger.uow import UnitOfWork
from edge.runtime import build_node
from edge.terminal import protocol
from edge.terminal.server import BURST
from simulators.pickers import FloorStats, ScriptedPicker
from terminal_ui.client import TerminalClient, TerminalError

PICKER, RECEIVER, SUPERVISOR = "B1002", "B1001", "B9001"
PACKER, SHIPPER, PICKER_ONLY = "B2001", "B2002", "B1004"


@pytest.fixture
def allocated_cfg(cfg):
    """The seeded ledger with shipment S1 (25 MUG: A-01-01 x20, A-05-01 x5) waiting for a picker."""
    conn = connect_writer(cfg.ledger_path)
    (outcome,) = apply_batch(UnitOfWork(conn), [c.AllocateShipment("a-S1", "S1", "O1", (c.OrderLine("MUG", 25),))])
    conn.close()
    assert outcome.ok, outcome.message
    return cfg


@pytest.fixture
async def node(allocated_cfg):
    node = await build_node(allocated_cfg)
    serving = asyncio.create_task(node.server.serve())
    yield node
    serving.cancel()
    await node.server.drain()
    await node.close()


@pytest.fixture
async def zctx():
    ctx = zmq.asyncio.Context()
    yield ctx
    ctx.destroy(linger=0)


@pytest.fixture
async def connect_client(node, zctx):
    clients: list[TerminalClient] = []

    async def connect_client(badge: str | None = None) -> TerminalClient:
        client = await TerminalClient(node.server.router_endpoint, ctx=zctx, timeout=3.0, retries=0).connect()
        clients.append(client)
        if badge:
            await client.login(badge)
        return client

    yield connect_client
    for client in clients:
        await client.close()


@pytest.fixture
async def raw(node, zctx):
    """A bare DEALER socket: send any bytes, read the reply."""
    sock = zctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(node.server.router_endpoint)

    async def exchange(frame: bytes) -> dict:
        await sock.send_multipart([frame])
        frames = await asyncio.wait_for(sock.recv_multipart(), 3)
        return orjson.loads(frames[-1])

    yield exchange
    sock.close(0)


def rows(node, table: str) -> int:
    conn = sqlite3.connect(node.cfg.ledger_path)
    try:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def movements(node) -> int:
    return rows(node, "movements")


def idempotency_rows(node) -> int:
    return rows(node, "idempotency")


async def refused(client: TerminalClient, code: str, op: str, args: dict | None = None, **kw) -> str:
    with pytest.raises(TerminalError) as info:
        await client.call(op, args, **kw)
    assert info.value.code == code, info.value.message
    return info.value.message


async def test_hello_login_pick_and_resend(node, connect_client):
    client = await connect_client()
    assert await client.call("hello") == {"warehouse": "MSK-1", "protocol": 1}
    me = await client.login(PICKER)
    assert me["operator"] == PICKER and me["roles"] == ["picker", "packer"] and len(me["session"]) == 32
    task = (await client.call("next_task"))["task"]
    assert (task["shipment_id"], task["location"], task["qty"]) == ("S1", "A-01-01", 20)
    args = {"task_id": task["id"], "location": "A-01-01", "item": "MUG", "tote": "T00001", "qty": 20}
    before = movements(node)
    first = await client.call("confirm_pick", args, key="pick-1")
    assert first == {"seq": before + 1, "task_id": task["id"], "remaining": 0, "replayed": False}
    again = await client.call("confirm_pick", args, key="pick-1")
    assert again == {**first, "replayed": True}
    assert movements(node) == before + 1  # a resend never picks twice
    assert await refused(client, "idempotency_mismatch", "confirm_pick", {**args, "qty": 1}, key="pick-1")
    nxt = (await client.call("next_task"))["task"]
    assert nxt["location"] == "A-05-01"


async def test_queries(node, connect_client):
    client = await connect_client(RECEIVER)
    assert await client.call("scan", {"code": "A-01-01"}) == {"kind": "location", "code": "A-01-01",
                                                               "type": "pick_face"}
    assert (await client.call("scan", {"code": "T00001"}))["kind"] == "tote"
    assert await client.call("scan", {"code": "4600000000011"}) == {"kind": "item", "code": "4600000000011",
                                                                     "sku": "MUG", "lot_tracked": False}
    assert (await client.call("scan", {"code": "MILK"}))["lot_tracked"] is True
    assert "not a location, tote or product" in await refused(client, "not_found", "scan", {"code": "??"})
    stock = (await client.call("stock", {"item": "MUG"}))["balances"]
    assert {(b["location"], b["on_hand"], b["allocated"]) for b in stock} == {
        ("A-01-01", 20, 20), ("A-05-01", 30, 5), ("A-01-03", 50, 0)}
    suggestion = await client.call("putaway_suggest", {"item": "MUG", "qty": 10, "from_location": "RCV-01"})
    assert suggestion["to_location"] in {"A-01-01", "A-05-01", "A-01-03"}  # a bin already holding MUG
    status = await client.call("status")
    assert status["shipments"] == {"allocated": 1} and status["last_seq"] == 14


async def test_receive_and_putaway_through_the_terminal(node, connect_client):
    client = await connect_client(RECEIVER)
    got = await client.call("receive", {"item": "MILK", "qty": 6, "location": "RCV-02", "lot": "L7",
                                        "expiry": "2031-01-31"})
    assert got["lot"] == "L7" and got["replayed"] is False
    moved = await client.call("putaway", {"item": "MILK", "qty": 6, "from_location": "RCV-02",
                                          "to_location": "K-01-01", "lot": "L7"})
    assert moved["seq"] == got["seq"] + 1
    assert "not a date" in await refused(client, "invalid", "receive",
                                         {"item": "MILK", "qty": 1, "location": "RCV-02", "lot": "L8",
                                          "expiry": "31/01/2031"})


@pytest.mark.parametrize(("args", "code", "words"), [
    ({"qty": 10**6}, "invalid", "between 1 and 100000"),
    ({"qty": -3}, "invalid", "between 1 and 100000"),
    ({"qty": 0}, "invalid", "between 1 and 100000"),
    ({"qty": 21}, "conflict", "over-pick"),
    ({"location": "A-05-01"}, "conflict", "wrong bin"),
    ({"item": "TEA"}, "conflict", "wrong item"),
    ({"location": "NOWHERE"}, "not_found", "does not exist"),
    ({"tote": "T-NOPE"}, "not_found", "tote 'T-NOPE'"),
    ({"qty": "2"}, "protocol", "must be a whole number"),
    ({"qty": True}, "protocol", "must be a whole number"),
])
async def test_bad_picks_get_clear_errors_and_change_nothing(node, connect_client, args, code, words):
    client = await connect_client(PICKER)
    task = (await client.call("next_task"))["task"]
    before = movements(node)
    good = {"task_id": task["id"], "location": "A-01-01", "item": "MUG", "tote": "T00001", "qty": 1}
    assert words in await refused(client, code, "confirm_pick", {**good, **args})
    assert movements(node) == before
    assert (await client.call("confirm_pick", good))["seq"] == before + 1  # still serving, nothing stuck


async def test_sessions_and_roles(node, connect_client):
    anonymous = await connect_client()
    assert "scan your badge" in await refused(anonymous, "unauthenticated", "next_task")
    assert "not registered" in await refused(anonymous, "unauthenticated", "login", {"badge": "B0000"})
    picker = await connect_client(PICKER)
    assert "needs the receiver role" in await refused(picker, "forbidden", "receive",
                                                      {"item": "MUG", "qty": 1, "location": "RCV-01"})
    found = {"location": "A-01-03", "item": "MUG", "delta": 1, "reason": "found"}
    assert "supervisor" in await refused(picker, "forbidden", "adjust", found)
    boss = await connect_client(SUPERVISOR)
    assert (await boss.call("adjust", found))["on_hand"] == 51
    await picker.call("logout")
    await refused(picker, "unauthenticated", "next_task")


@pytest.mark.parametrize(("frame", "words"), [
    (b"\x00\xffgarbage", "not valid UTF-8 JSON"),
    (b"[1, 2]", "must be a JSON object"),
    (b'{"v": 9, "id": "r1", "op": "hello"}', "protocol version 9"),
    (b'{"v": 1, "id": "r1", "op": "teleport"}', "unknown operation 'teleport'"),
    (b'{"v": 1, "id": "r1", "op": ["hello"]}', "unknown operation"),
    (b'{"v": 1, "id": "r1", "op": "next_task"}', "'key' must be"),
    (b'{"v": 1, "id": "r1", "op": "scan", "args": {"code": "A", "x": 1}}', "does not take ['x']"),
    (b'{"v": 1, "id": "r1", "op": "hello", "args": {}, "pad": "' + b"x" * 70_000 + b'"}', "byte limit"),
])
async def test_malformed_frames_get_error_replies_and_the_server_keeps_serving(node, raw, connect_client,
                                                                              frame, words):
    reply = await raw(frame)
    assert reply["ok"] is False and reply["error"]["code"] == "protocol"
    assert words in reply["error"]["message"]
    assert "Traceback" not in reply["error"]["message"]
    assert reply["id"] in (None, "r1")
    other = await connect_client()
    assert (await other.call("hello"))["warehouse"] == "MSK-1"
    assert (await raw(protocol.encode_request("r2", "hello")))["ok"] is True  # the same peer too


async def test_a_frame_over_the_socket_limit_drops_only_that_peer(node, zctx, connect_client):
    hog = zctx.socket(zmq.DEALER)
    hog.setsockopt(zmq.LINGER, 0)
    hog.connect(node.server.router_endpoint)
    await hog.send_multipart([b"x" * (protocol.MAX_MESSAGE_BYTES * 4 + 1)])
    await asyncio.sleep(0.1)
    hog.close(0)
    client = await connect_client()
    assert (await client.call("hello"))["protocol"] == 1


async def test_events_are_published(node, zctx, connect_client):
    sub = zctx.socket(zmq.SUB)
    sub.setsockopt(zmq.LINGER, 0)
    sub.setsockopt(zmq.SUBSCRIBE, protocol.EVENT_PREFIX)
    sub.connect(node.server.pub_endpoint)
    await asyncio.sleep(0.3)  # slow joiner: let the subscription reach the PUB socket
    client = await connect_client(PICKER)
    task = (await client.call("next_task"))["task"]
    await client.call("confirm_pick", {"task_id": task["id"], "location": "A-01-01", "item": "MUG",
                                       "tote": "T00003", "qty": 2})
    seen: dict[str, list[dict]] = {}
    while "PickConfirmed" not in seen:
        frames = await asyncio.wait_for(sub.recv_multipart(), 3)
        topic, data = protocol.decode_event(frames)
        assert frames[0] == protocol.EVENT_PREFIX + topic.encode()
        seen.setdefault(topic, []).append(data)
    assert {"TaskAssigned", "ShipmentStatusChanged"} <= set(seen)
    assert seen["PickConfirmed"] == [{"task_id": task["id"], "shipment_id": "S1", "sku": "MUG", "qty": 2,
                                      "tote": "T00003", "operator": PICKER}]
    sub.close(0)


async def test_two_pickers_concurrently(node, connect_client):
    a, b = await connect_client(PICKER), await connect_client(SUPERVISOR)
    ta, tb = await asyncio.gather(a.call("next_task"), b.call("next_task"))
    assert [ta["task"], tb["task"]].count(None) == 1  # one shipment: only one picker gets it


async def test_more_requests_at_once_than_one_burst_reads_are_all_answered(node, connect_client):
    # Three bursts' worth from a few terminals at once: the server reads a burst, runs it, reads on,
    # and the replies it sends meanwhile must not leave requests unread behind a swallowed edge.
    clients = [await connect_client(badge) for badge in (PICKER, RECEIVER, SUPERVISOR)]
    calls = [clients[i % len(clients)].call("hello") for i in range(3 * BURST)]
    replies = await asyncio.wait_for(asyncio.gather(*calls), 30)
    assert replies == [{"warehouse": "MSK-1", "protocol": 1}] * (3 * BURST)


async def test_client_resends_with_the_same_id_and_key_after_a_timeout(zctx):
    """A stand-in ROUTER that ignores the first attempt: the resend must be the very same request."""
    router = zctx.socket(zmq.ROUTER)
    router.setsockopt(zmq.LINGER, 0)
    port = router.bind_to_random_port("tcp://127.0.0.1")
    client = await TerminalClient(f"tcp://127.0.0.1:{port}", ctx=zctx, timeout=0.2, retries=2).connect()
    client.session = "s1"

    async def flaky_server() -> list[bytes]:
        seen = []
        for _ in range(2):
            identity, body = await router.recv_multipart()
            seen.append(body)
        req = protocol.parse_request(body)
        await router.send_multipart([identity, protocol.ok_reply(req.id, {"seq": 9})])
        return seen

    server = asyncio.create_task(flaky_server())
    result = await client.call("confirm_pick", {"task_id": 1, "location": "A", "item": "B", "tote": "T", "qty": 1})
    first, second = await server
    assert result == {"seq": 9}
    assert first == second and protocol.parse_request(first).key  # same id, same idempotency key
    await client.close()
    router.close(0)


class ScriptedRng:
    """Decides a scripted picker's shorts: random() answers from the list; nothing found when short."""

    def __init__(self, draws: list[float]):
        self.draws = draws

    def random(self) -> float:
        return self.draws.pop(0)

    def randrange(self, start: int, stop: int) -> int:
        return start


async def test_a_scripted_picker_carries_on_after_a_shipment_it_could_not_pack(node):
    for shipment, sku, qty in (("S2", "TEA", 5), ("S3", "MUG", 5)):
        outcome = await node.writer.execute(c.AllocateShipment(f"a-{shipment}", shipment, f"O-{shipment}",
                                                               (c.OrderLine(sku, qty),)))
        assert outcome.ok, outcome.message
    rack: asyncio.Queue = asyncio.Queue()
    for tote in ("T00001", "T00002", "T00003"):
        rack.put_nowait(tote)
    stats = FloorStats()
    # S1's two bins picked in full; S2's only TEA bin found empty, so S2 has nothing to pack; S3 in full.
    picker = ScriptedPicker(node.server.router_endpoint, PICKER, stats, rack, short_rate=0.5,
                            rng=ScriptedRng([0.9, 0.9, 0.0, 0.9]))
    await asyncio.wait_for(picker.run(stop_when_idle=True), 30)
    assert stats.shipped == 2 and stats.shorts == 1
    assert dict(stats.refusals) == {"conflict": 1}
    conn = sqlite3.connect(node.cfg.ledger_path)
    statuses = dict(conn.execute("SELECT id, status FROM shipments"))
    conn.close()
    assert statuses == {"S1": "shipped", "S2": "picking", "S3": "shipped"}


async def test_a_supervisor_works_through_exceptions_at_the_terminal(node, connect_client):
    reported = await node.writer.execute(c.ReportException("x1", "PACK-02", "weight off by 480 g", "T00004", "S1"))
    task_id = reported.result["task_id"]
    picker, boss = await connect_client(PICKER), await connect_client(SUPERVISOR)
    assert "supervisor" in await refused(picker, "forbidden", "exceptions")
    assert "supervisor" in await refused(picker, "forbidden", "resolve_exception",
                                         {"task_id": task_id, "resolution": "ok"})
    (listed,) = (await boss.call("exceptions"))["exceptions"]
    assert {k: listed[k] for k in ("task_id", "location", "tote", "reason")} == {
        "task_id": task_id, "location": "PACK-02", "tote": "T00004", "reason": "weight off by 480 g"}
    done = await boss.call("resolve_exception", {"task_id": task_id, "resolution": "scale re-zeroed, re-weighed ok"})
    assert done["task_id"] == task_id and not done["replayed"]
    assert (await boss.call("exceptions"))["exceptions"] == []
    assert "already closed" in await refused(boss, "conflict", "resolve_exception",
                                             {"task_id": task_id, "resolution": "again"})
    assert "whole number" in await refused(boss, "protocol", "resolve_exception", {"task_id": "one", "resolution": "x"})


async def test_the_node_replaces_a_dead_writer_counts_it_and_keeps_serving(node, connect_client):
    picker = await connect_client(PICKER)
    os.kill(node.writer._process.pid, signal.SIGKILL)
    for _ in range(100):
        if node.metrics.registry.get_sample_value("sklad_ledger_writer_restarts_total") == 1:
            break
        await asyncio.sleep(0.05)
    assert node.metrics.registry.get_sample_value("sklad_ledger_writer_restarts_total") == 1
    assert (await picker.call("next_task"))["task"]["shipment_id"] == "S1"


async def picked_s1(client: TerminalClient, tote: str = "T00001") -> None:
    while (task := (await client.call("next_task"))["task"]) is not None:
        await client.call("confirm_pick", {"task_id": task["id"], "location": task["location"], "item": "MUG",
                                           "tote": tote, "qty": task["qty"] - task["done_qty"]})


async def test_pack_and_ship_need_a_packer_or_shipper(node, connect_client):
    await picked_s1(await connect_client(SUPERVISOR))
    counter = await connect_client(PICKER_ONLY)
    pack = {"tote": "T00001", "shipment_id": "S1", "station": "PACK-01"}
    assert "needs the packer role" in await refused(counter, "forbidden", "pack", pack)
    before = movements(node)
    shipper = await connect_client(SHIPPER)
    assert "needs the packer role" in await refused(shipper, "forbidden", "pack", pack)
    assert movements(node) == before
    packer = await connect_client(PACKER)
    assert (await packer.call("pack", pack))["units"] == 25
    assert "shipper or packer" in await refused(counter, "forbidden", "ship", {"shipment_id": "S1", "dock": "DOCK-01"})
    assert (await shipper.call("ship", {"shipment_id": "S1", "dock": "DOCK-01"}))["units"] == 25


async def test_status_needs_a_session(node, connect_client):
    anonymous = await connect_client()
    assert "scan your badge" in await refused(anonymous, "unauthenticated", "status")
    picker = await connect_client(PICKER)
    assert "shipments" in await picker.call("status")


async def test_a_badge_logging_in_again_replaces_its_older_session(node, connect_client):
    lost, new = await connect_client(PICKER), await connect_client(PICKER)
    assert lost.session != new.session
    assert "logged in elsewhere" in await refused(lost, "unauthenticated", "next_task")
    assert (await new.call("next_task"))["task"]["shipment_id"] == "S1"


async def test_an_idle_session_lapses(node, connect_client):
    picker = await connect_client(PICKER)
    clock = node.server.ops.sessions
    start = clock.now()
    clock.now = lambda: start + node.cfg.session_idle_s + 1  # the node's clock, a shift later
    assert "idle" in await refused(picker, "unauthenticated", "next_task")
    await picker.login(PICKER)
    assert (await picker.call("next_task"))["task"] is not None


async def test_failed_logins_are_rate_limited_per_terminal(node, connect_client):
    guesser = await connect_client()
    for n in range(5):
        await refused(guesser, "unauthenticated", "login", {"badge": f"B000{n}"})
    message = await refused(guesser, "rate_limited", "login", {"badge": PICKER})
    assert "too many unknown badges" in message and "wait" in message
    assert guesser.session is None


async def test_views_for_the_screens(node, connect_client):
    picker = await connect_client(PICKER)
    answers = idempotency_rows(node)
    assert await picker.call("work") == {"open": 2, "mine": 0}
    assert idempotency_rows(node) == answers  # an idle handheld asking about work writes nothing
    given = await picker.call("next_task")
    assert idempotency_rows(node) == answers + 1
    assert await picker.call("work") == {"open": 0, "mine": 2}
    task = given["task"]
    view = await picker.call("task_view", {"task_id": task["id"]})
    assert given["view"] == view  # next_task brings the view along
    assert {k: view[k] for k in ("sku", "sku_name", "barcodes", "lot_tracked", "location", "qty", "tote",
                                 "other_tasks_open")} == {
        "sku": "MUG", "sku_name": "Mug", "barcodes": ["4600000000011"], "lot_tracked": False,
        "location": "A-01-01", "qty": 20, "tote": None, "other_tasks_open": 1}
    assert view["pack_station"].startswith("PACK-")
    await picker.call("confirm_pick", {"task_id": task["id"], "location": "A-01-01", "item": "MUG",
                                       "tote": "T00007", "qty": 20})
    second = (await picker.call("next_task"))["task"]
    assert (await picker.call("task_view", {"task_id": second["id"]}))["tote"] == "T00007"  # the shipment's tote
    tote = await picker.call("tote", {"tote": "T00007"})
    assert tote == {"tote": "T00007", "shipment_id": "S1", "expected_weight_g": 20 * 350, "unweighed": [],
                    "lines": [{"sku": "MUG", "name": "Mug", "qty": 20, "unit_weight_g": 350}]}
    assert "not a tote" in await refused(picker, "not_found", "tote", {"tote": "A-01-01"})
    picker_only = await connect_client(PICKER_ONLY)
    assert "packer or shipper" in await refused(picker_only, "forbidden", "shipment", {"shipment_id": "S1"})
    assert "receiver" in await refused(picker_only, "forbidden", "expected", {"item": "MUG"})
    assert "supervisor" in await refused(picker_only, "forbidden", "floor")
    boss = await connect_client(SUPERVISOR)
    shipment = await boss.call("shipment", {"shipment_id": "S1"})
    assert shipment["status"] == "picking" and shipment["lines"][0]["picked"] == 20
    assert "not known" in await refused(boss, "not_found", "shipment", {"shipment_id": "S404"})
    assert "pick task 999" in await refused(boss, "not_found", "task_view", {"task_id": 999})
    assert "whole number" in await refused(boss, "protocol", "task_view", {"task_id": "7"})
    assert "does not take ['x']" in await refused(boss, "protocol", "floor", {"x": 1})
    expected = await boss.call("expected", {"item": "4600000000011"})
    assert expected["sku"] == "MUG" and expected["expected"] == 0 and expected["asns"] == []
    floor = await boss.call("floor")
    assert floor["picks"] == {PICKER: {"picks": 1, "units": 20}}
    assert floor["current"][PICKER]["location"] == "A-05-01"
    assert floor["names"][PICKER] == "Ivan Sokolov"
    assert {"kind": "pick", "state": "assigned", "zone": "AMB", "count": 1} in floor["tasks"]
    status = await boss.call("status")
    assert status["sync_view"]["queued_movements"] >= 1
