"""VDA 5050 protocol core: topics, headers, order builders, instant actions, and every message
type of 2.0 and 2.1 validated against the official schemas in ../shared/vda5050/."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import orjson
import pytest
from jsonschema import Draft202012Validator

from devices.robots import instant
from devices.robots.builders import Leg, OrderPlan, Stop
from devices.robots.codec import Codec
from devices.robots.errors import BadMessage, BadTopic, LimitExceeded, LocalError, OrderUpdateError
from devices.robots.factsheet import check_order, read_factsheet
from devices.robots.headers import HeaderIds, timestamp
from devices.robots.messages import Action, Connection
from devices.robots.schema import Schemas
from devices.robots.topics import VehicleId, parse_topic, topic
from devices.robots.versions import V2_0, V2_1, parse_protocol, version_of
from simulators.agv.payloads import StateView, error, factsheet_body, state_body, visualization_body

AT = datetime(2026, 11, 30, 12, 0, 3, 120000, tzinfo=UTC)
AGV = VehicleId("acme", "agv-7")
VERSIONS = pytest.mark.parametrize("version", [V2_0, V2_1], ids=["2.0", "2.1"])


@pytest.fixture(scope="module")
def official(shared_dir) -> Schemas:
    return Schemas(shared_dir / "vda5050")


@pytest.fixture(scope="module")
def reference(shared_dir):
    """The same schemas through the reference Python validator, to cross-check jsonschema-rs."""
    def check(subtopic: str, version, body: dict) -> list[str]:
        schema = json.loads((shared_dir / "vda5050" / version.schema_dir / f"{subtopic}.schema").read_text())
        return [e.message for e in Draft202012Validator(schema).iter_errors(body)]
    return check


def plan(n: int = 4, order_id: str = "o1") -> OrderPlan:
    stops = [Stop(f"n{i}", float(i), 0.0) for i in range(n)]
    stops[0] = Stop("n0", 0.0, 0.0, (Action("pick", f"{order_id}-pick", "HARD", (("lhd", "deck"),)),))
    stops[-1] = Stop(f"n{n - 1}", float(n - 1), 0.0, (Action("drop", f"{order_id}-drop"),))
    return OrderPlan(order_id, stops, [Leg(f"e{i}", 1.2) for i in range(n - 1)], "floor")


def test_topic_round_trip_and_qos() -> None:
    t = topic("sklad", "v2", AGV, "connection")
    assert str(t) == "sklad/v2/acme/agv-7/connection"
    assert (t.qos, t.retain) == (1, True)
    assert parse_topic("sklad/v2/acme/agv-7/order").qos == 0
    assert parse_topic("sklad/v2/acme/agv-7/state") == topic("sklad", "v2", AGV, "state")


@pytest.mark.parametrize("bad", ["sklad/v2/acme/state", "sklad/2/acme/a/state", "sklad/v2/acme/a/lights",
                                 "sklad/v2//a/state", "a/b/c/d/e/f"])
def test_bad_topics_are_named(bad: str) -> None:
    with pytest.raises(BadTopic, match="topic"):
        parse_topic(bad)


def test_header_ids_count_per_topic_and_vehicle() -> None:
    ids = HeaderIds()
    other = VehicleId("acme", "agv-8")
    got = [ids.header(AGV, "order", V2_1, AT)["headerId"] for _ in range(3)]
    assert got == [0, 1, 2]
    assert ids.header(AGV, "instantActions", V2_1, AT)["headerId"] == 0
    assert ids.header(other, "order", V2_0, AT) == {
        "headerId": 0, "timestamp": "2026-11-30T12:00:03.12Z", "version": "2.0.0",
        "manufacturer": "acme", "serialNumber": "agv-8"}
    assert timestamp(AT) == "2026-11-30T12:00:03.12Z"


def test_versions_from_messages() -> None:
    assert version_of("2.0.0") is V2_0 and version_of("2.1.3") is V2_1
    assert parse_protocol("2.0") is V2_0 and parse_protocol("2.1.0") is V2_1
    with pytest.raises(BadMessage, match="version"):
        version_of("1.1.0", "acme/agv-7")


def test_order_base_and_horizon_sequence_ids() -> None:
    p = plan(5)
    first = p.release(1)
    assert [(n.node_id, n.sequence_id, n.released) for n in first.nodes] == [
        ("n0", 0, True), ("n1", 2, True), ("n2", 4, False), ("n3", 6, False), ("n4", 8, False)]
    assert [(e.edge_id, e.sequence_id, e.released) for e in first.edges] == [
        ("e0", 1, True), ("e1", 3, False), ("e2", 5, False), ("e3", 7, False)]
    assert first.order_update_id == 0 and first.action_ids == ("o1-pick", "o1-drop")
    update = p.release(3)
    assert update.order_update_id == 1
    assert [(n.node_id, n.sequence_id, n.released) for n in update.nodes] == [
        ("n1", 2, True), ("n2", 4, True), ("n3", 6, True), ("n4", 8, False)]
    assert [(e.sequence_id, e.released) for e in update.edges] == [(3, True), (5, True), (7, False)]
    assert not p.complete
    assert p.release(4).nodes[-1].released and p.complete


def test_order_builder_refusals() -> None:
    p = plan(3)
    p.release(1)
    with pytest.raises(OrderUpdateError, match="already released"):
        p.release(1)
    with pytest.raises(OrderUpdateError, match="no stop 7"):
        p.release(7)
    with pytest.raises(OrderUpdateError, match="need 2 edges"):
        OrderPlan("o", [Stop("a", 0, 0), Stop("b", 1, 0), Stop("c", 2, 0)], [Leg("e")], "m")
    dup = (Action("pick", "x"),)
    with pytest.raises(OrderUpdateError, match="unique"):
        OrderPlan("o", [Stop("a", 0, 0, dup), Stop("b", 1, 0, dup)], [Leg("e")], "m")
    with pytest.raises(ValueError, match="blockingType"):
        Action("pick", "y", "MAYBE")


def test_factsheet_limits_refuse_orders(official) -> None:
    limits = read_factsheet(factsheet_body(1.0, ("tote",), max_nodes=3))
    assert limits.speed_max == 1.0 and limits.load_types == {"tote"} and limits.supports("pick", "NODE")
    with pytest.raises(LimitExceeded, match="4 nodes, the vehicle takes 3"):
        check_order(plan(4).release(3), limits)
    with pytest.raises(LimitExceeded, match=r"1\.2 m/s"):
        check_order(plan(3).release(2), limits)
    assert not limits.supports("jump", "NODE")


@VERSIONS
def test_every_message_we_send_passes_the_official_schema(official, reference, version) -> None:
    codec = Codec("sklad", schemas=official)
    p = plan(4)
    messages = [("order", p.release(1)), ("order", p.release(3)),
                ("instantActions", instant.cancel_order("c1")), ("instantActions", instant.start_pause("p1")),
                ("instantActions", instant.stop_pause("p2")), ("instantActions", instant.factsheet_request("f1")),
                ("instantActions", instant.state_request("s1")),
                ("instantActions", instant.init_position("i1", 1.0, 2.0, 0.0, "floor", "n0")),
                ("connection", Connection("ONLINE"))]
    for subtopic, message in messages:
        packet = codec.encode_message(AGV, version, subtopic, message, AT)
        body = orjson.loads(packet.payload)
        assert official.problems(subtopic, version, body) == [], (subtopic, body)
        assert reference(subtopic, version, body) == [], (subtopic, body)
        assert body["version"] == version.full
        assert packet.topic == f"sklad/v2/acme/agv-7/{subtopic}"


@VERSIONS
def test_every_message_a_vehicle_sends_passes_and_decodes(official, reference, version) -> None:
    codec = Codec("sklad", schemas=official)
    view = StateView(order_id="o1", order_update_id=2, last_node_id="n1", last_node_sequence_id=2,
                     node_states=[("n2", 4, True)], edge_states=[("e1", 3, True)], driving=True,
                     action_states=[("o1-drop", "drop", "WAITING")], battery=55.5, loads=["T-1"],
                     errors=[error("orderUpdateError", orderId="o1", orderUpdateId=1)])
    bodies = {"state": state_body(view, version), "factsheet": factsheet_body(1.5, ("tote", "pallet")),
              "visualization": visualization_body(view), "connection": {"connectionState": "CONNECTIONBROKEN"}}
    for subtopic, body in bodies.items():
        packet = codec.encode(AGV, version, subtopic, body, AT)
        assert official.problems(subtopic, version, orjson.loads(packet.payload)) == []
        assert reference(subtopic, version, orjson.loads(packet.payload)) == []
        inbound = codec.decode(packet.topic, packet.payload)
        assert inbound.version is version and inbound.vehicle == AGV
    state = codec.decode(*_state_packet(codec, version, view)).value
    assert (state.order_id, state.order_update_id, state.last_node_id, state.battery) == ("o1", 2, "n1", 55.5)
    assert state.action_states == {"o1-drop": "WAITING"} and state.loads == ("T-1",)
    assert state.errors[0].names("orderUpdateId", "1")


def _state_packet(codec: Codec, version, view: StateView) -> tuple[str, bytes]:
    packet = codec.encode(AGV, version, "state", state_body(view, version), AT)
    return packet.topic, packet.payload


def test_instant_actions_name_their_type_for_both_versions() -> None:
    body20 = instant.cancel_order("c").body(V2_0)["actions"][0]
    body21 = instant.cancel_order("c").body(V2_1)["actions"][0]
    assert body20["actionType"] == body20["actionName"] == "cancelOrder"
    assert "actionName" not in body21 and body21["actionType"] == "cancelOrder"


@pytest.mark.parametrize("payload, field", [
    (b"{not json", "payload"), (b"[1, 2]", "payload"), (b'{"version": "9.0.0"}', "version"),
    (b'{"version": "2.1.0", "headerId": "x"}', ""),
])
def test_bad_payloads_name_vehicle_and_field(payload: bytes, field: str) -> None:
    with pytest.raises(BadMessage) as caught:
        Codec("sklad").decode("sklad/v2/acme/agv-7/state", payload)
    assert caught.value.vehicle == "acme/agv-7"
    assert field in caught.value.field


def test_decode_refuses_foreign_interface_wrong_sender_and_master_topics() -> None:
    codec = Codec("sklad")
    good = codec.encode(AGV, V2_1, "state", state_body(StateView(), V2_1), AT)
    with pytest.raises(BadMessage, match="interface"):
        Codec("other").decode(good.topic, good.payload)
    with pytest.raises(BadMessage, match="header names"):
        codec.decode("sklad/v2/acme/agv-9/state", good.payload)
    order = codec.encode_message(AGV, V2_1, "order", plan(2).release(1), AT)
    with pytest.raises(BadMessage, match="not by vehicles"):
        codec.decode(order.topic, order.payload)
    with pytest.raises(BadMessage, match="schema"):
        codec.decode(good.topic, good.payload.replace(b'"driving":false', b'"driving":"no"'))


def test_we_never_send_a_message_that_fails_its_schema() -> None:
    with pytest.raises(LocalError, match=r"fails the 2\.1\.0 schema"):
        Codec("sklad").encode(AGV, V2_1, "connection", {"connectionState": "SLEEPY"}, AT)


def test_horizon_is_cut_to_the_vehicles_node_limit_and_follows_in_updates() -> None:
    stops = [Stop(f"n{i}", float(i), 0.0) for i in range(8)]
    p = OrderPlan("o", stops, [Leg(f"e{i}") for i in range(7)], "floor", max_nodes=3)
    first = p.release(1)
    assert [n.node_id for n in first.nodes] == ["n0", "n1", "n2"] and len(first.edges) == 2
    later = p.release(3)
    assert [(n.node_id, n.released) for n in later.nodes] == [("n1", True), ("n2", True), ("n3", True)]
    with pytest.raises(OrderUpdateError, match="more than the vehicle takes"):
        p.release(6)


def test_horizon_update_after_a_reroute_keeps_the_base() -> None:
    p = plan(4)
    p.release(1)
    p.reroute([Stop("x2", 5.0, 5.0), Stop("n3", 3.0, 0.0)], [Leg("ex1"), Leg("ex2")])
    update = p.update_horizon()
    assert update.order_update_id == 1
    assert [(n.node_id, n.sequence_id, n.released) for n in update.nodes] == [
        ("n1", 2, True), ("x2", 4, False), ("n3", 6, False)]
    assert [e.edge_id for e in update.edges] == ["ex1", "ex2"]
    with pytest.raises(OrderUpdateError, match="2 new nodes need 2 edges"):
        p.reroute([Stop("a", 0, 0), Stop("b", 0, 0)], [Leg("x")])
