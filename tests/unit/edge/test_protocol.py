"""The terminal protocol core: request parsing and validation, replies and events; fuzzed."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edge.errors import ProtocolError
from edge.terminal import protocol as p

PICK_ARGS = {"task_id": 7, "location": "A-01-01", "item": "SKU-1", "tote": "T00001", "qty": 2}


def frame(**fields) -> bytes:
    msg = {"v": 1, "id": "r1", "op": "confirm_pick", "key": "k1", "session": "s1", "args": dict(PICK_ARGS)}
    msg.update(fields)
    return orjson.dumps({k: v for k, v in msg.items() if v is not ...})


def refused(data: bytes, *words: str) -> str:
    with pytest.raises(ProtocolError) as info:
        p.parse_request(data)
    for word in words:
        assert word in str(info.value), str(info.value)
    return str(info.value)


def test_valid_effect_request():
    req = p.parse_request(frame())
    assert (req.id, req.op, req.key, req.session) == ("r1", "confirm_pick", "k1", "s1")
    assert req.args == PICK_ARGS
    assert req.spec is p.OPS["confirm_pick"] and req.spec.roles == ("picker",)


def test_valid_request_without_session_key_or_args():
    req = p.parse_request(orjson.dumps({"v": 1, "id": "r2", "op": "hello"}))
    assert (req.op, req.key, req.session, req.args) == ("hello", None, None, {})


def test_optional_args_may_be_left_out_or_null():
    req = p.parse_request(frame(op="short_pick", args={"task_id": 1, "location": "A", "found_qty": 0, "tote": None}))
    assert req.args["found_qty"] == 0 and req.args.get("tote") is None


def test_encode_request_round_trips():
    data = p.encode_request("r9", "receive", {"item": "SKU-1", "qty": 3, "location": "RCV-01"}, key="k", session="s")
    req = p.parse_request(data)
    assert (req.id, req.op, req.key, req.session, req.args["qty"]) == ("r9", "receive", "k", "s", 3)


@pytest.mark.parametrize("data", [b"", b"{", b"not json", b"\xff\xfe{}", b'{"v": 1,}'])
def test_malformed_json(data):
    refused(data, "not valid UTF-8 JSON")


@pytest.mark.parametrize("data", [b"[]", b"1", b'"hello"', b"null", b"true"])
def test_non_object(data):
    refused(data, "must be a JSON object")


@pytest.mark.parametrize("version", [..., 0, 2, "1", None, [1]])
def test_wrong_version(version):
    refused(frame(v=version), "protocol version", "this node speaks 1")


@pytest.mark.parametrize("op", ["launch_missiles", "", None, 3, ["hello"], "HELLO"])
def test_unknown_op(op):
    refused(frame(op=op), "unknown operation")


@pytest.mark.parametrize("req_id", [..., "", 5, "x" * 129, None])
def test_bad_request_id(req_id):
    refused(frame(id=req_id), "'id' must be a non-empty string")


@pytest.mark.parametrize("op", sorted(op for op, spec in p.OPS.items() if spec.effect))
def test_effect_ops_need_an_idempotency_key(op):
    refused(frame(op=op, key=..., args={}), "'key' must be")


def test_key_must_be_text_and_bounded():
    refused(frame(key=12), "'key' must be")
    refused(frame(key="k" * 129), "'key' must be")
    assert p.parse_request(frame(key="k" * 128)).key == "k" * 128


def test_session_must_be_text_when_given():
    refused(frame(session=123), "'session' must be")


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("qty", "2", "a whole number"),
    ("qty", 2.0, "a whole number"),
    ("qty", True, "a whole number"),
    ("task_id", False, "a whole number"),
    ("location", 5, "a string"),
    ("item", ["SKU-1"], "a string"),
    ("tote", {"code": "T1"}, "a string"),
])
def test_wrong_arg_types(name, value, expected):
    refused(frame(args={**PICK_ARGS, name: value}), f"'{name}' of confirm_pick must be {expected}")


def test_missing_required_arg():
    args = dict(PICK_ARGS)
    del args["tote"]
    refused(frame(args=args), "confirm_pick needs 'tote'")


def test_unknown_args_are_refused():
    refused(frame(args={**PICK_ARGS, "force": True}), "does not take ['force']")


@pytest.mark.parametrize("args", [[1, 2], "qty=1", 3])
def test_args_must_be_an_object(args):
    refused(frame(args=args), "'args' of confirm_pick must be an object")


def test_oversize_frame_is_refused_before_parsing():
    big = frame(args={**PICK_ARGS, "item": "x" * p.MAX_MESSAGE_BYTES})
    refused(big, f"over the {p.MAX_MESSAGE_BYTES} byte limit")
    refused(b"{" * (p.MAX_MESSAGE_BYTES + 1), "byte limit")


def test_frame_at_the_limit_is_parsed():
    base = frame(op="scan", key=..., args={"code": ""})
    pad = p.MAX_MESSAGE_BYTES - len(base)
    data = frame(op="scan", key=..., args={"code": "x" * pad})
    assert len(data) == p.MAX_MESSAGE_BYTES
    assert p.parse_request(data).args["code"] == "x" * pad


def test_replies_and_events_round_trip():
    ok = p.decode_reply(p.ok_reply("r1", {"seq": 4}))
    assert ok == {"v": 1, "id": "r1", "ok": True, "result": {"seq": 4}}
    err = p.decode_reply(p.error_reply(None, "conflict", "wrong bin"))
    assert err["ok"] is False and err["error"] == {"code": "conflict", "message": "wrong bin"}
    frames = p.encode_event("PickConfirmed", {"task_id": 1})
    assert frames[0] == b"event.PickConfirmed"
    assert p.decode_event(frames) == ("PickConfirmed", {"task_id": 1})


@pytest.mark.parametrize("data", [b"[]", b'{"v": 2, "ok": true}', b'{"v": 1}'])
def test_decode_reply_refuses_foreign_frames(data):
    with pytest.raises(ProtocolError):
        p.decode_reply(data)


@pytest.mark.parametrize(("data", "expected"), [
    (b'{"id": "r7", "op": 5}', "r7"), (b"garbage", None), (b"[1]", None), (b'"s"', None),
    (b'{"id": 5}', None), (b'{"id": "' + b"x" * 200 + b'"}', None),
])
def test_request_id_of_is_best_effort(data, expected):
    assert p.request_id_of(data) == expected


# --- fuzzing: parse_request only ever raises ProtocolError -----------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
arg_names = st.sampled_from(sorted({name for spec in p.OPS.values() for name in spec.args} | {"bogus"}))
near_valid = st.fixed_dictionaries(
    {"v": st.sampled_from([1, 1, 1, 2, "1", None, True]),
     "id": st.one_of(st.text(max_size=5), json_values),
     "op": st.one_of(st.sampled_from(sorted(p.OPS)), st.text(max_size=8), json_values),
     "args": st.one_of(st.dictionaries(arg_names, json_values, max_size=6), json_values)},
    optional={"key": st.one_of(st.text(max_size=5), json_values),
              "session": st.one_of(st.text(max_size=5), st.none(), st.booleans())},
)
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _parse_or_protocol_error(data: bytes) -> None:
    try:
        req = p.parse_request(data)
    except ProtocolError as exc:
        assert str(exc)
        return
    # Anything accepted is fully valid: a known op, typed args, a key when it has an effect.
    spec = p.OPS[req.op]
    assert isinstance(req.id, str) and req.id
    assert set(req.args) <= set(spec.args)
    assert not spec.effect or isinstance(req.key, str)
    for name, arg in spec.args.items():
        value = req.args.get(name)
        if value is None:
            assert not arg.required
        else:
            assert isinstance(value, arg.kind) and not isinstance(value, bool)


@FUZZ
@given(st.binary(max_size=300))
def test_fuzz_random_bytes(data):
    _parse_or_protocol_error(data)
    assert p.request_id_of(data) is None or isinstance(p.request_id_of(data), str)


@FUZZ
@given(json_values)
def test_fuzz_random_json(value):
    _parse_or_protocol_error(orjson.dumps(value))


@FUZZ
@given(near_valid)
def test_fuzz_near_valid_requests(msg):
    _parse_or_protocol_error(orjson.dumps(msg))
