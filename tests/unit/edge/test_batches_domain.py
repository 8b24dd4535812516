"""Pure rules of batches, the put wall and waves; the shapes of their commands and terminal ops."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import orjson
import pytest

from edge.domain import batch_commands as b
from edge.domain import batches, waves
from edge.errors import Conflict, InvalidCommand, ProtocolError
from edge.terminal import protocol as p

NEEDS = [batches.CubbyNeed("PW-01", "S1", 0), batches.CubbyNeed("PW-02", "S2", 2)]


def test_batch_lifecycle_is_one_table():
    assert batches.next_state("picking", batches.picks_closed_trigger("cluster")) == "done"
    assert batches.next_state("picking", batches.picks_closed_trigger("put_wall")) == "putting"
    assert batches.next_state("putting", "tote_emptied") == "done"
    with pytest.raises(Conflict, match="a batch that is done cannot take tote emptied"):
        batches.next_state("done", "tote_emptied")


def test_a_batch_whose_shipments_are_all_cancelled_is_cancelled_and_stays_closed():
    assert batches.next_state("picking", "all_cancelled") == "cancelled"
    assert batches.next_state("putting", "all_cancelled") == "cancelled"
    for closed in batches.CLOSED:
        with pytest.raises(Conflict, match=f"a batch that is {closed} cannot take all cancelled"):
            batches.next_state(closed, "all_cancelled")


GONE = batches.Gone(cubbies={"PW-03": "S3"}, skus={"TEA": "S3"})


def test_units_of_a_cancelled_shipment_go_to_the_put_back_tote():
    with pytest.raises(Conflict, match=r"^shipment S3 was cancelled — put the item in the put-back tote$"):
        batches.put_target("TEA", NEEDS[:1], 3, GONE)
    with pytest.raises(Conflict, match=r"^shipment S3 was cancelled — cubby PW-03 is closed: put the item in "
                                       r"the put-back tote$"):
        batches.check_put("MUG", "PW-03", 1, NEEDS, 3, GONE)
    # A SKU a live shipment still needs goes to it, whoever else had it: units are alike.
    assert batches.check_put("MUG", "PW-02", 1, NEEDS, 3, batches.Gone(skus={"MUG": "S3"})).shipment_id == "S2"
    with pytest.raises(Conflict, match="this unit goes to cubby PW-02"):
        batches.check_put("MUG", "PW-01", 1, NEEDS, 3, batches.Gone(skus={"MUG": "S3"}))


def test_wrong_tote_names_the_right_one():
    refusal = batches.wrong_tote("T-0042", "S-7", "T-0017")
    assert str(refusal) == "this unit goes to tote T-0042 (shipment S-7), not T-0017"


def test_totes_pair_with_shipments_in_scan_order():
    assert batches.pair_totes(["S1", "S2"], ["T1", "T2", "T3"]) == {"S1": "T1", "S2": "T2"}
    with pytest.raises(Conflict, match="scanned twice"):
        batches.pair_totes(["S1", "S2"], ["T1", "T1"])


def test_put_into_the_right_cubby_and_refusals_by_name():
    assert batches.check_put("MUG", "PW-02", 2, NEEDS, 3).shipment_id == "S2"
    with pytest.raises(Conflict, match=r"^this unit goes to cubby PW-02 \(shipment S2\), not PW-01$"):
        batches.check_put("MUG", "PW-01", 1, NEEDS, 3)
    with pytest.raises(Conflict, match="cubby PW-09 holds no shipment of batch 3"):
        batches.check_put("MUG", "PW-09", 1, NEEDS, 3)
    with pytest.raises(Conflict, match="needs 2 more MUG, not 3"):
        batches.check_put("MUG", "PW-02", 3, NEEDS, 3)
    with pytest.raises(Conflict, match="no shipment of batch 3 still needs MUG"):
        batches.put_target("MUG", NEEDS[:1], 3)


def test_cubbies_for_shipments_or_a_clear_refusal():
    assert batches.assign_cubbies(["S1"], ["PW-01", "PW-02"], "wall-1") == {"S1": "PW-01"}
    with pytest.raises(Conflict, match="wall wall-1 has 1 free cubbies, the batch needs 2"):
        batches.assign_cubbies(["S1", "S2"], ["PW-01"], "wall-1")


MSK = ZoneInfo("Europe/Moscow")


def test_a_shipment_joins_the_next_cutoff_in_local_time():
    cutoffs = waves.parse_cutoffs(["18:00", "12:00"])
    assert cutoffs == (time(12), time(18))
    morning = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # 10:00 in Moscow
    assert waves.cutoff_for(morning, cutoffs, MSK) == datetime(2026, 11, 30, 12, 0, tzinfo=MSK)
    late = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # 19:00 in Moscow: tomorrow's first cut-off
    assert waves.cutoff_for(late, cutoffs, MSK) == datetime(2026, 12, 1, 12, 0, tzinfo=MSK)


def test_waves_group_by_cutoff_and_pickup_point():
    at = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    A = waves.Arrival
    grouped = waves.group([A("S1", at, "PVZ-1"), A("S2", at, "PVZ-2"), A("S3", at, "PVZ-1"),
                           A("S4", at + timedelta(hours=4), None)], (time(12), time(18)), MSK)
    assert grouped == {("2026-11-30T09:00:00+00:00", "PVZ-1", None): ["S1", "S3"],
                       ("2026-11-30T09:00:00+00:00", "PVZ-2", None): ["S2"],
                       ("2026-11-30T15:00:00+00:00", "", None): ["S4"]}


def test_a_routed_shipment_waves_with_its_van_cut_off_at_the_departure():
    at = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    departs = datetime(2026, 11, 30, 10, 30, tzinfo=MSK)
    A = waves.Arrival
    grouped = waves.group([A("S1", at, "PVZ-1", "rt-1", departs), A("S2", at, "PVZ-2", "rt-1", departs),
                           A("S3", at, "PVZ-1")], (time(12),), MSK)
    assert grouped == {("2026-11-30T07:30:00+00:00", "", "rt-1"): ["S1", "S2"],
                       ("2026-11-30T09:00:00+00:00", "PVZ-1", None): ["S3"]}


def test_wave_release_schedule_and_lifecycle():
    cut = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert not waves.due(cut, cut - timedelta(minutes=91), timedelta(minutes=90))
    assert waves.due(cut, cut - timedelta(minutes=90), timedelta(minutes=90))
    assert waves.next_state(4, "planned", "release") == "released"
    with pytest.raises(Conflict, match="wave 4 is done: it cannot be released"):
        waves.next_state(4, "done", "release")


@pytest.mark.parametrize("bad", [[], ["25:00"], ["noon"], [12]])
def test_bad_cutoffs(bad):
    with pytest.raises(InvalidCommand, match=r"cut-off|at least one"):
        waves.parse_cutoffs(bad)


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"mode": "zone"}, "batch mode must be one of cluster, put_wall"),
    ({"mode": "cluster"}, "a batch holds 1 to 24 shipments, got 0"),
    ({"mode": "cluster", "totes": ("T1",), "tote": "T2"}, "takes the cart's totes"),
    ({"mode": "put_wall", "totes": ("T1",)}, "takes one tote"),
    ({"mode": "put_wall", "tote": "T1", "size": 30}, "1 to 24 shipments, got 30"),
    ({"mode": "cluster", "totes": ("T1", 7)}, "totes[1] must be a non-empty text"),
    ({"mode": "cluster", "totes": ("T1",), "max_units": 0}, "max_units must be between 1"),
])
def test_start_batch_shapes(kwargs, words):
    with pytest.raises(InvalidCommand, match=words.replace("[", r"\[").replace("]", r"\]")):
        b.StartBatch("k", operator="B1", **kwargs)


def test_batch_pick_is_a_pick_of_its_own_kind():
    cmd = b.BatchPick("k", 1, "A-01-01", "MUG", "T1", 1, operator="B1")
    assert cmd.verb == "BatchPick" and "BatchPick(" in repr(cmd)
    with pytest.raises(InvalidCommand, match="qty must be between 1"):
        b.BatchPick("k", 1, "A-01-01", "MUG", "T1", 0)


def request(op: str, args: dict, key: str | None = "k1") -> bytes:
    return orjson.dumps({"v": 1, "id": "r1", "op": op, "key": key, "session": "s", "args": args})


def test_batch_ops_are_in_the_protocol_with_roles():
    req = p.parse_request(request("start_batch", {"mode": "cluster", "totes": ["T1", "T2"]}))
    assert req.args["totes"] == ["T1", "T2"] and req.spec.roles == ("picker",)
    assert p.OPS["release_wave"].roles == ("supervisor",) and p.OPS["waves"].roles == ("supervisor",)
    assert p.OPS["put"].effect and p.OPS["batch_pick"].effect and not p.OPS["batch_item"].effect


@pytest.mark.parametrize(("op", "args", "key", "words"), [
    ("start_batch", {"mode": "cluster", "totes": "T1"}, "k", "'totes' of start_batch must be a list of strings"),
    ("release_wave", {"wave_id": "1"}, "k", "must be a whole number"),
    ("put", {"tote": "T1", "cubby": "PW", "item": "MUG"}, "k", "put needs 'qty'"),
    ("plan_waves", {"cutoffs": ["12:00"]}, None, "'key' must be"),
    ("batch_pick", {"task_id": 1, "location": "A", "item": "M", "tote": "T", "qty": 1, "batch": 2}, "k",
     "does not take ['batch']"),
])
def test_batch_ops_refuse_bad_shapes(op, args, key, words):
    with pytest.raises(ProtocolError) as info:
        p.parse_request(request(op, args, key))
    assert words in str(info.value)
