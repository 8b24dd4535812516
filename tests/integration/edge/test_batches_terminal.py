"""Waves and a cluster batch through the terminal API of a running node (ROUTER + PUB on
loopback): role checks, the supervisor's release, the wrong tote refused by name, resends
answered once, events on PUB."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import orjson
import pytest
import zmq
import zmq.asyncio

from edge.domain import commands as c
from edge.ledger.batch import apply_batch
from edge.ledger.connection import connect_writer
from edge.ledger.database import connect
from edge.ledger.uow import UnitOfWork
from edge.runtime import build_node
from sync import feed as f
from terminal_ui.client import TerminalClient, TerminalError

PICKER, SUPERVISOR, PACKER = "B1002", "B9001", "B2001"
SMALL = {"S1": (("MUG", 2),), "S2": (("TEA", 1), ("MUG", 1)), "S3": (("MUG", 1),)}


@pytest.fixture
async def batch_node(cfg):
    conn = connect_writer(cfg.ledger_path)
    outcomes = apply_batch(UnitOfWork(conn), [
        c.AllocateShipment(f"a-{s}", s, f"O-{s}", tuple(c.OrderLine(k, q) for k, q in lines), "PVZ-1")
        for s, lines in SMALL.items()])
    conn.close()
    assert all(o.ok for o in outcomes)
    node = await build_node(cfg)
    serving = asyncio.create_task(node.server.serve())
    ctx = zmq.asyncio.Context()
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.SUBSCRIBE, b"event.")
    sub.connect(node.server.pub_endpoint)
    clients = {}
    for badge in (PICKER, SUPERVISOR, PACKER):
        clients[badge] = await TerminalClient(node.server.router_endpoint, ctx=ctx, timeout=5.0, retries=0).connect()
        await clients[badge].login(badge)
    await asyncio.sleep(0.2)  # the SUB is joined before anything is published
    yield clients, sub, node
    for client in clients.values():
        await client.close()
    sub.close(0)
    serving.cancel()
    await node.server.drain()
    await node.close()
    ctx.destroy(linger=0)


async def refused(client, op: str, args: dict, code: str, **kw) -> str:
    with pytest.raises(TerminalError) as info:
        await client.call(op, args, **kw)
    assert info.value.code == code, info.value.message
    return info.value.message


async def events(sub, topic: str, count: int = 1) -> list[dict]:
    found: list[dict] = []
    while len(found) < count:
        _, body = await asyncio.wait_for(sub.recv_multipart(), 5)
        event = orjson.loads(body)
        if event["topic"] == topic:
            found.append(event["data"])
    return found


async def test_waves_released_by_a_supervisor_then_a_cluster_batch(batch_node):
    clients, sub, _ = batch_node
    picker, supervisor, packer = clients[PICKER], clients[SUPERVISOR], clients[PACKER]
    planned = await supervisor.call("plan_waves", {"cutoffs": ["23:59"], "timezone": "Europe/Moscow"})
    (wave_id,) = map(int, planned["planned"])
    (wave,) = (await supervisor.call("waves"))["waves"]
    assert (wave["state"], wave["shipments"], wave["pickup_point"]) == ("planned", 3, "PVZ-1")
    await refused(picker, "waves", {}, "forbidden")
    await refused(picker, "release_wave", {"wave_id": wave_id}, "forbidden")
    totes = ["T00011", "T00012", "T00013"]
    assert "no released shipment" in await refused(picker, "start_batch", {"mode": "cluster", "totes": totes},
                                                   "conflict")
    await supervisor.call("release_wave", {"wave_id": wave_id})
    assert (await events(sub, "WaveStateChanged"))[0] == {"wave_id": wave_id, "state": "released",
                                                          "operator": SUPERVISOR}

    started = await picker.call("start_batch", {"mode": "cluster", "totes": totes}, key="batch-1")
    assert started["totes"] == dict(zip(SMALL, totes, strict=True))
    assert (await events(sub, "BatchStarted"))[0]["totes"] == started["totes"]
    where = await picker.call("batch_item", {"batch_id": started["batch_id"], "item": "TEA"})
    assert [(g["shipment_id"], g["tote"]) for g in where["goes_to"]] == [("S2", "T00012")]

    task = (await picker.call("next_task"))["task"]
    wrong = next(t for t in totes if t != task["tote"])
    args = {"task_id": task["id"], "location": task["location"], "item": task["sku"], "qty": 1}
    message = await refused(picker, "batch_pick", {**args, "tote": wrong}, "conflict")
    assert message == f"this unit goes to tote {task['tote']} (shipment {task['shipment_id']}), not {wrong}"
    first = await picker.call("batch_pick", {**args, "tote": task["tote"]}, key="bp-first")
    again = await picker.call("batch_pick", {**args, "tote": task["tote"]}, key="bp-first")
    assert again["replayed"] and again["seq"] == first["seq"]
    while (task := (await picker.call("next_task"))["task"]) is not None:
        left = task["qty"] - task["done_qty"]
        done = await picker.call("batch_pick", {"task_id": task["id"], "location": task["location"],
                                                "item": task["sku"], "tote": task["tote"], "qty": left})
    assert done["batch_state"] == "done"
    view = await picker.call("batch", {"batch_id": started["batch_id"]})
    assert view["state"] == "done" and all(line["picked"] == line["qty"] for line in view["lines"])
    assert (await packer.call("pack", {"tote": "T00012", "shipment_id": "S2", "station": "PACK-01"}))["units"] == 2
    await refused(packer, "start_batch", {"mode": "cluster", "totes": ["T00020"]}, "forbidden")


@pytest.fixture
def scheduled_cfg(cfg):
    waves = {"cutoffs": ["23:59"], "release": "schedule", "release_before_minutes": 1440, "plan_every_s": 1}
    return replace(cfg, raw={**cfg.raw, "waves": waves})


async def test_a_scheduled_node_plans_and_releases_waves_by_itself(scheduled_cfg):
    writer = connect_writer(scheduled_cfg.ledger_path)
    apply_batch(UnitOfWork(writer), [c.AllocateShipment("a-S9", "S9", "O-S9", (c.OrderLine("MUG", 1),))])
    writer.close()
    node = await build_node(scheduled_cfg)
    conn = connect(scheduled_cfg.ledger_path)
    stop = asyncio.Event()
    running = asyncio.create_task(node.run(stop))
    try:
        for _ in range(300):
            rows = conn.execute("SELECT w.state FROM waves w JOIN wave_shipments ws ON ws.wave_id = w.id "
                                "WHERE ws.shipment_id = 'S9'").fetchall()
            if rows == [("released",)]:
                break
            await asyncio.sleep(0.05)
        assert rows == [("released",)]
    finally:
        conn.close()
        stop.set()
        await asyncio.wait_for(running, 15)


async def test_pickers_taking_batches_at_once_get_different_orders(batch_node):
    clients, _, _ = batch_node
    second = clients[SUPERVISOR]  # a supervisor may pick too
    first_batch, second_batch = await asyncio.gather(
        clients[PICKER].call("start_batch", {"mode": "cluster", "totes": ["T00011", "T00012"]}),
        second.call("start_batch", {"mode": "cluster", "totes": ["T00021", "T00022"]}))
    mine, theirs = set(first_batch["totes"]), set(second_batch["totes"])
    assert mine | theirs == set(SMALL) and not mine & theirs


async def test_a_put_wall_batch_from_a_handheld(batch_node):
    clients, _, _ = batch_node
    picker, packer = clients[PICKER], clients[PACKER]
    started = await picker.call("start_batch", {"mode": "put_wall", "tote": "T00030", "size": 2})
    assert started["totes"] == {"S1": "T00030", "S2": "T00030"}
    state, task = "picking", started["task"]
    while state == "picking":
        state = (await picker.call("batch_pick", {
            "task_id": task["id"], "location": task["location"], "item": task["sku"], "tote": "T00030",
            "qty": task["qty"] - task["done_qty"]}))["batch_state"]
        task = (await picker.call("next_task"))["task"]
    assert state == "putting"
    cubbies = await packer.call("wall_start", {"tote": "T00030", "wall": "handheld", "cubbies": ["PW1-01", "PW1-02"]})
    assert cubbies["cubbies"] == {"S1": "PW1-01", "S2": "PW1-02"}
    message = await refused(packer, "put", {"tote": "T00030", "cubby": "PW1-02", "item": "MUG", "qty": 2}, "conflict")
    assert message == "cubby PW1-02 (shipment S2) needs 1 more MUG, not 2"
    message = await refused(packer, "put", {"tote": "T00030", "cubby": "PW1-01", "item": "TEA", "qty": 1}, "conflict")
    assert message == "this unit goes to cubby PW1-02 (shipment S2), not PW1-01"
    await packer.call("put", {"tote": "T00030", "cubby": "PW1-01", "item": "MUG", "qty": 2})
    view = await packer.call("batch", {"batch_id": started["batch_id"]})
    assert [(line["shipment_id"], line["cubby"], line["sku"], line["put"]) for line in view["lines"]] == [
        ("S1", "PW1-01", "MUG", 2), ("S2", "PW1-02", "MUG", 0), ("S2", "PW1-02", "TEA", 0)]
    assert (await packer.call("tote", {"tote": "PW1-01"}))["shipment_id"] == "S1"
    assert (await packer.call("pack", {"tote": "PW1-01", "shipment_id": "S1", "station": "PACK-01"}))["units"] == 2


async def feed_cancel(node, shipment: str, seq: int) -> dict:
    outcome = await node.writer.execute(c.ApplyFeedEntry(f"feed:{seq}", seq, f.CancelShipment(
        shipment_id=shipment, order_id=f"O-{shipment}", reason="customer")))
    assert outcome.ok and "rejected" not in outcome.result, outcome.message or outcome.result
    return outcome.result


async def test_a_cluster_shipment_cancelled_from_the_feed_leaves_the_cart(batch_node):
    clients, sub, node = batch_node
    picker = clients[PICKER]
    started = await picker.call("start_batch", {"mode": "cluster", "totes": ["T00011", "T00012", "T00013"]})
    task = started["task"]
    cancelled = task["shipment_id"]
    await feed_cancel(node, cancelled, 1)
    (event,) = await events(sub, "BatchShipmentCancelled")
    assert (event["shipment_id"], event["tote"], event["batch_state"]) == (cancelled, task["tote"], "picking")
    message = await refused(picker, "batch_pick", {"task_id": task["id"], "location": task["location"],
                                                   "item": task["sku"], "tote": task["tote"], "qty": 1}, "conflict")
    assert message == f"shipment {cancelled} was cancelled — put the item back in {task['location']}"
    view = await picker.call("batch", {})
    assert {line["status"] for line in view["lines"] if line["shipment_id"] == cancelled} == {"cancelled"}
    while (task := (await picker.call("next_task"))["task"]) is not None:
        assert task["shipment_id"] != cancelled
        done = await picker.call("batch_pick", {"task_id": task["id"], "location": task["location"],
                                                "item": task["sku"], "tote": task["tote"],
                                                "qty": task["qty"] - task["done_qty"]})
    assert done["batch_state"] == "done"


async def test_a_put_wall_shipment_cancelled_at_the_wall_closes_its_cubby(batch_node):
    clients, sub, node = batch_node
    picker, packer = clients[PICKER], clients[PACKER]
    started = await picker.call("start_batch", {"mode": "put_wall", "tote": "T00030", "size": 2})
    state, task = "picking", started["task"]
    while state == "picking":
        state = (await picker.call("batch_pick", {
            "task_id": task["id"], "location": task["location"], "item": task["sku"], "tote": "T00030",
            "qty": task["qty"] - task["done_qty"]}))["batch_state"]
        task = (await picker.call("next_task"))["task"]
    await packer.call("wall_start", {"tote": "T00030", "wall": "handheld", "cubbies": ["PW1-01", "PW1-02"]})
    result = await feed_cancel(node, "S2", 1)
    assert (result["put_back"], result["batch_state"]) == (2, "putting")
    (event,) = await events(sub, "BatchShipmentCancelled")
    assert (event["cubby"], event["put_back"], event["put_back_at"]) == ("PW1-02", 2, "STG-01")
    message = await refused(packer, "put", {"tote": "T00030", "cubby": "PW1-02", "item": "MUG", "qty": 1},
                            "conflict")
    assert message == "shipment S2 was cancelled — cubby PW1-02 is closed: put the item in the put-back tote"
    message = await refused(packer, "put", {"tote": "T00030", "cubby": "PW1-01", "item": "TEA", "qty": 1},
                            "conflict")
    assert message == "shipment S2 was cancelled — put the item in the put-back tote"
    done = await packer.call("put", {"tote": "T00030", "cubby": "PW1-01", "item": "MUG", "qty": 2})
    assert done["batch_state"] == "done"
    assert (await packer.call("pack", {"tote": "PW1-01", "shipment_id": "S1", "station": "PACK-01"}))["units"] == 2
