"""Command shape validation: everything a handheld can get wrong is refused on construction."""

from __future__ import annotations

import pytest

from edge.domain import commands as c
from edge.domain.model import MAX_QTY
from edge.errors import InvalidCommand

BAD_QTY = [0, -1, MAX_QTY + 1, 10**12, True, False, 1.0, "3", None]


@pytest.mark.parametrize("qty", BAD_QTY)
def test_receive_refuses_bad_quantities(qty):
    with pytest.raises(InvalidCommand, match="qty must be"):
        c.Receive("k1", "SKU-1", qty, "RCV-01")


@pytest.mark.parametrize("qty", [1, 7, MAX_QTY])
def test_receive_accepts_sane_quantities(qty):
    assert c.Receive("k1", "SKU-1", qty, "RCV-01").qty == qty


@pytest.mark.parametrize("qty", BAD_QTY)
def test_move_and_confirm_pick_refuse_bad_quantities(qty):
    with pytest.raises(InvalidCommand, match="qty must be"):
        c.Move("k1", "SKU-1", qty, "RCV-01", "A-01-01")
    with pytest.raises(InvalidCommand, match="qty must be"):
        c.ConfirmPick("k1", 1, "A-01-01", "SKU-1", "T00001", qty)


@pytest.mark.parametrize("field", ["key", "sku", "location"])
@pytest.mark.parametrize("value", ["", "   ", "x" * 129, None, 5])
def test_receive_refuses_bad_text(field, value):
    args = {"key": "k1", "sku": "SKU-1", "qty": 1, "location": "RCV-01", field: value}
    with pytest.raises(InvalidCommand, match=f"{field} must be a non-empty text"):
        c.Receive(**args)


def test_optional_text_may_be_none_but_not_empty():
    assert c.Receive("k", "S", 1, "RCV-01", lot=None, operator=None).lot is None
    with pytest.raises(InvalidCommand, match="lot must be"):
        c.Receive("k", "S", 1, "RCV-01", lot="")
    with pytest.raises(InvalidCommand, match="operator must be"):
        c.Receive("k", "S", 1, "RCV-01", operator="  ")


def test_next_task_requires_an_operator():
    with pytest.raises(TypeError):
        c.NextTask("k")  # type: ignore[call-arg]
    with pytest.raises(InvalidCommand, match="operator must be"):
        c.NextTask("k", operator=None)  # type: ignore[arg-type]
    assert c.NextTask("k", operator="B1").operator == "B1"


@pytest.mark.parametrize("task_id", ["7", 1.5, True, None])
def test_task_id_must_be_an_int(task_id):
    with pytest.raises(InvalidCommand, match="task_id must be a whole number"):
        c.ConfirmPick("k", task_id, "A-01-01", "SKU-1", "T00001", 1)
    with pytest.raises(InvalidCommand, match="task_id must be a whole number"):
        c.ShortPick("k", task_id, "A-01-01", 0)


def test_short_pick_allows_zero_found_but_not_negative():
    assert c.ShortPick("k", 1, "A-01-01", 0).found_qty == 0
    for bad in (-1, True, MAX_QTY + 1):
        with pytest.raises(InvalidCommand, match="found_qty"):
            c.ShortPick("k", 1, "A-01-01", bad)


def test_count_allows_zero_counted():
    assert c.Count("k", "A-01-01", "SKU-1", 0).counted == 0
    with pytest.raises(InvalidCommand, match="counted"):
        c.Count("k", "A-01-01", "SKU-1", -3)


@pytest.mark.parametrize("delta", [0, True, 1.0, MAX_QTY + 1, -(MAX_QTY + 1), "2"])
def test_adjust_refuses_bad_deltas(delta):
    with pytest.raises(InvalidCommand):
        c.Adjust("k", "SKU-1", "A-01-01", delta, "damaged")


@pytest.mark.parametrize("delta", [-5, 5, MAX_QTY, -MAX_QTY])
def test_adjust_accepts_signed_deltas(delta):
    assert c.Adjust("k", "SKU-1", "A-01-01", delta, "found").delta == delta


def test_upsert_sku_weight_may_be_zero_not_negative():
    assert c.UpsertSku("k", "SKU-1", "Mug").unit_weight_g == 0
    with pytest.raises(InvalidCommand, match="unit_weight_g"):
        c.UpsertSku("k", "SKU-1", "Mug", unit_weight_g=-1)
    with pytest.raises(InvalidCommand, match="name must be"):
        c.UpsertSku("k", "SKU-1", "")


def test_allocate_shipment_lines():
    good = c.AllocateShipment("k", "S1", "O1", (c.OrderLine("A", 1), c.OrderLine("B", 2)))
    assert [line.sku for line in good.lines] == ["A", "B"]
    with pytest.raises(InvalidCommand, match="has no lines"):
        c.AllocateShipment("k", "S1", "O1", ())
    with pytest.raises(InvalidCommand, match="lists a SKU twice"):
        c.AllocateShipment("k", "S1", "O1", (c.OrderLine("A", 1), c.OrderLine("A", 2)))
    with pytest.raises(InvalidCommand, match="shipment_id must be"):
        c.AllocateShipment("k", "", "O1", (c.OrderLine("A", 1),))


@pytest.mark.parametrize("qty", [0, -2, True, MAX_QTY + 1])
def test_order_line_quantity(qty):
    with pytest.raises(InvalidCommand, match="quantity of A"):
        c.OrderLine("A", qty)


def test_order_line_sku():
    with pytest.raises(InvalidCommand, match="line sku"):
        c.OrderLine("", 1)


def test_apply_feed_entry_seq():
    assert c.ApplyFeedEntry("k", 1, object()).feed_seq == 1
    for bad in (0, -1, True, "1"):
        with pytest.raises(InvalidCommand, match="feed_seq"):
            c.ApplyFeedEntry("k", bad, object())


def test_commands_are_frozen_and_named_by_verb():
    cmd = c.Pack("k", "T00001", "S1", "PACK-01")
    assert cmd.verb == "Pack"
    with pytest.raises(AttributeError):
        cmd.tote = "T00002"  # type: ignore[misc]
