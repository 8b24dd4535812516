"""Warehouse TOML: parsing, rack expansion, the shipped sample, and every error path.

Every ConfigError must name the file, the key and what was expected.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from edge.config import DEFAULT_REASONS, load_config
from edge.errors import ConfigError

MINIMAL = """
[warehouse]
id = "WH-T"

[[zones]]
code = "IN"

[[zones]]
code = "AMB"

[[locations]]
code = "RCV-01"
zone = "IN"
type = "receiving"
x = 0.0
y = 0.0
"""

SAMPLE = Path(__file__).resolve().parents[3] / "edge" / "samples" / "warehouse.toml"

RACK = """
[[racks]]
zone = "AMB"
aisles = ["A", "B"]
bays = 3
levels = 2
pick_levels = [1]
x0 = 10.0
y0 = 5.0
aisle_spacing = 4.0
bay_depth = 1.5
capacity = 50
"""


def test_minimal_config_defaults(parse):
    cfg = parse(MINIMAL)
    assert cfg.id == "WH-T"
    assert cfg.name == "WH-T"  # the name defaults to the id
    assert cfg.source == "test-warehouse.toml"
    assert cfg.zones == {"IN": "IN", "AMB": "AMB"}
    assert [loc.code for loc in cfg.locations] == ["RCV-01"]
    assert cfg.ledger_path == Path("/cfg/var/ledger.db")  # relative paths resolve against the file's folder
    assert cfg.tote_prefix == "T" and cfg.tote_count == 500
    assert cfg.tote_codes()[:2] == ["T00001", "T00002"] and len(cfg.tote_codes()) == 500
    assert cfg.adjust_reasons == DEFAULT_REASONS
    assert cfg.metrics_port is None
    assert cfg.central_url is None and cfg.sync_token is None
    assert cfg.operators == () and cfg.terminals == ()


def test_absolute_ledger_path_and_node_settings_kept(parse):
    cfg = parse(MINIMAL + """
[ledger]
path = "/data/ledger.db"
[node]
router = "tcp://127.0.0.1:0"
pub = "tcp://127.0.0.1:0"
metrics_port = 9100
[totes]
prefix = "X"
count = 3
[[operators]]
badge = "B1"
name = "Ann"
roles = ["picker", "counter"]
[[terminals]]
id = "HT-1"
public_key = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
""")
    assert cfg.ledger_path == Path("/data/ledger.db")
    assert (cfg.router_endpoint, cfg.pub_endpoint, cfg.metrics_port) == ("tcp://127.0.0.1:0", "tcp://127.0.0.1:0", 9100)
    assert cfg.tote_codes() == ["X00001", "X00002", "X00003"]
    assert cfg.operators[0].badge == "B1" and cfg.operators[0].roles == ("picker", "counter")
    assert cfg.terminals[0].id == "HT-1" and cfg.terminals[0].public_key == "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"


def test_operator_roles_default_to_picker(parse):
    cfg = parse(MINIMAL + '[[operators]]\nbadge = "B2"\nname = "Bob"\n')
    assert cfg.operators[0].roles == ("picker",)


def test_rack_block_expands_into_bins(parse):
    cfg = parse(MINIMAL + RACK)
    racks = [loc for loc in cfg.locations if loc.zone == "AMB"]
    assert len(racks) == 2 * 3 * 2
    assert [loc.code for loc in racks[:3]] == ["A-01-01", "A-01-02", "A-02-01"]
    by_code = {loc.code: loc for loc in racks}
    a11, a12, b32 = by_code["A-01-01"], by_code["A-01-02"], by_code["B-03-02"]
    assert (a11.type, a12.type) == ("pick_face", "reserve")  # level 1 is a pick level, 2 is not
    assert (a11.x, a11.y, a11.capacity) == (10.0, 6.5, 50)
    assert (b32.x, b32.y) == (14.0, 9.5)  # next aisle is aisle_spacing further on x; bay 3 at y0 + 3*depth
    assert all(isinstance(loc.x, float) for loc in racks)


def test_rack_type_applies_to_non_pick_levels(parse):
    cfg = parse(MINIMAL + RACK.replace("pick_levels = [1]", 'pick_levels = []\ntype = "staging"'))
    assert {loc.type for loc in cfg.locations if loc.zone == "AMB"} == {"staging"}


def test_shipped_sample_is_a_real_warehouse():
    cfg = load_config(SAMPLE)
    types = Counter(loc.type for loc in cfg.locations)
    assert types["pick_face"] + types["reserve"] >= 500
    assert types["pick_face"] == 6 * 24 * 2 and types["reserve"] == 6 * 24 * 2 + 2 * 12 * 2
    assert {"receiving", "reserve", "pick_face", "staging", "pack_station", "dock"} <= set(types)
    codes = [loc.code for loc in cfg.locations]
    assert len(codes) == len(set(codes))
    assert {"A-01-01", "F-24-04", "K-01-01", "L-12-02"} <= set(codes)
    assert all(loc.zone in cfg.zones for loc in cfg.locations)
    assert cfg.ledger_path.is_absolute() and cfg.source == str(SAMPLE)
    assert cfg.operators and all(op.roles for op in cfg.operators)


# --- error paths: (toml text, key the message must name, words of the expectation) ----------------

def _replace(old: str, new: str) -> str:
    assert old in MINIMAL + RACK
    return (MINIMAL + RACK).replace(old, new, 1)


ERRORS = [
    pytest.param(MINIMAL.replace('id = "WH-T"', ""), "warehouse.id", "the key is missing", id="missing-id"),
    pytest.param(MINIMAL.replace('id = "WH-T"', "id = 7"), "warehouse.id", "a non-empty string", id="id-int"),
    pytest.param(MINIMAL.replace('id = "WH-T"', 'id = "  "'), "warehouse.id", "a non-empty string", id="id-blank"),
    pytest.param(MINIMAL.replace("[warehouse]", "warehouse = 3\n[w]"), "warehouse", "a table",
                 id="warehouse-not-table"),
    pytest.param('[warehouse]\nid = "W"\n', "zones", "at least one [[zones]] table", id="no-zones"),
    pytest.param('zones = "IN"\n[warehouse]\nid = "W"\n', "zones", "an array of tables", id="zones-not-list"),
    pytest.param('zones = [1]\n[warehouse]\nid = "W"\n', "zones[0]", "a table", id="zone-not-table"),
    pytest.param(MINIMAL.replace('code = "AMB"', 'code = "IN"'), "zones[1].code", "declared twice", id="dup-zone"),
    pytest.param(MINIMAL.replace('zone = "IN"', 'zone = "COLD"'), "locations[0].zone", "declared zones",
                 id="unknown-zone"),
    pytest.param(MINIMAL.replace('type = "receiving"', 'type = "shelf"'), "locations[0].type", "one of",
                 id="unknown-type"),
    pytest.param(MINIMAL.replace("x = 0.0", ""), "locations[0].x", "the key is missing", id="missing-x"),
    pytest.param(MINIMAL.replace("x = 0.0", 'x = "left"'), "locations[0].x", "a number", id="x-text"),
    pytest.param(MINIMAL.replace("x = 0.0", "x = true"), "locations[0].x", "a number", id="x-bool"),
    pytest.param(MINIMAL.replace('code = "RCV-01"', ""), "locations[0].code", "the key is missing",
                 id="missing-code"),
    pytest.param(MINIMAL + "capacity = -1\n", "locations[0].capacity", ">= 0", id="negative-capacity"),
    pytest.param(MINIMAL + "capacity = 2.5\n", "locations[0].capacity", "a whole number", id="float-capacity"),
    pytest.param(MINIMAL.replace('type = "receiving"', 'type = "dock"'), "locations",
                 "at least one location of type 'receiving'", id="no-receiving"),
    pytest.param(MINIMAL + MINIMAL[MINIMAL.index("[[locations]]"):], "locations", "'RCV-01' repeats",
                 id="dup-location"),
    pytest.param(_replace('aisles = ["A", "B"]', 'aisles = ["A", "A"]'), "locations", "'A-01-01' repeats",
                 id="dup-rack-codes"),
    pytest.param(_replace("bays = 3", ""), "racks[0].bays", "the key is missing", id="rack-missing-bays"),
    pytest.param(_replace("bays = 3", "bays = 0"), "racks[0].bays", ">= 1", id="rack-zero-bays"),
    pytest.param(_replace("levels = 2", 'levels = "2"'), "racks[0].levels", "a whole number", id="rack-levels-text"),
    pytest.param(_replace('aisles = ["A", "B"]', 'aisles = "AB"'), "racks[0].aisles", "a list of aisle names",
                 id="rack-aisles-text"),
    pytest.param(_replace('aisles = ["A", "B"]', 'aisles = ["A", ""]'), "racks[0].aisles[1]", "a non-empty string",
                 id="rack-aisle-empty"),
    pytest.param(_replace('zone = "AMB"', 'zone = "NOPE"'), "racks[0].zone", "declared zones", id="rack-zone"),
    pytest.param(_replace('zone = "AMB"', 'zone = "AMB"\ntype = "attic"'), "racks[0].type", "one of", id="rack-type"),
    pytest.param(_replace("capacity = 50", "capacity = 0"), "racks[0].capacity", ">= 1", id="rack-capacity"),
    pytest.param(_replace("aisle_spacing = 4.0", "aisle_spacing = 0"), "racks[0].aisle_spacing", ">= 0.1",
                 id="rack-spacing"),
    pytest.param(_replace("x0 = 10.0", "x0 = false"), "racks[0].x0", "a number", id="rack-x0-bool"),
    pytest.param(MINIMAL + "[node]\nmetrics_port = -1\n", "node.metrics_port", ">= 0", id="metrics-port"),
    pytest.param(MINIMAL + '[node]\nrouter = ""\n', "node.router", "a non-empty string", id="router-empty"),
    pytest.param(MINIMAL + "[totes]\ncount = -5\n", "totes.count", ">= 0", id="tote-count"),
    pytest.param(MINIMAL + '[central]\nembedded = "yes"\n', "central.embedded", "true or false", id="embedded"),
    pytest.param(MINIMAL.replace("[warehouse]", 'adjust_reasons = "lost"\n[warehouse]'), "adjust_reasons",
                 "a list of reason codes", id="reasons"),
    pytest.param(MINIMAL + '[[operators]]\nname = "Ann"\n', "operators[0].badge", "the key is missing",
                 id="operator-badge"),
    pytest.param(MINIMAL + '[[operators]]\nbadge = "B1"\nname = "Ann"\nroles = "picker"\n', "operators[0].roles",
                 "a list of roles", id="operator-roles"),
    pytest.param(MINIMAL + "[[terminals]]\nid = 3\n", "terminals[0].id", "a non-empty string", id="terminal-id"),
    pytest.param(MINIMAL + '[[operators]]\nbadge = "B1"\nname = "Ann"\n[[operators]]\nbadge = "B1"\nname = "Bob"\n',
                 "operators[1].badge", "declared twice", id="dup-badge"),
    pytest.param(MINIMAL.replace("x = 0.0", "x = nan"), "locations[0].x", "a finite number", id="x-nan"),
    pytest.param(_replace("bay_depth = 1.5", "bay_depth = inf"), "racks[0].bay_depth", "a finite number",
                 id="rack-depth-inf"),
]


@pytest.mark.parametrize(("text", "key", "expected"), ERRORS)
def test_config_error_names_file_key_and_expectation(config_error, source, text, key, expected):
    err = config_error(text)
    assert err.file == source
    assert err.key == key
    assert expected in err.expected
    assert f"{source}: {key}: expected " in str(err)


def test_error_reports_the_bad_value(config_error):
    err = config_error(MINIMAL.replace("x = 0.0", 'x = "left"'))
    assert str(err).endswith("got 'left'")


def test_load_config_bad_toml_syntax_names_the_file(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('[warehouse\nid = "W"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.file == str(path) and info.value.key == "(syntax)"
    assert "valid TOML" in info.value.expected and str(path) in str(info.value)


def test_load_config_not_utf8(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'[warehouse]\nid = "\xe9"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.key == "(syntax)"


def test_load_config_missing_file(tmp_path):
    path = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert (info.value.file, info.value.key) == (str(path), "(file)")


def test_load_config_resolves_ledger_next_to_the_file(tmp_path):
    path = tmp_path / "wh.toml"
    path.write_text(MINIMAL + '[ledger]\npath = "data/l.db"\n', encoding="utf-8")
    cfg = load_config(path)
    assert cfg.ledger_path == tmp_path / "data" / "l.db"
    assert cfg.source == str(path)


@pytest.mark.parametrize("extra,key,expected", [
    ('[[operators]]\nbadge = "B1"\nname = "Ann"\nroles = ["pikcer"]\n', "operators[0].roles[0]", "one of"),
    ('[[racks]]\nzone = "AMB"\naisles = ["A"]\nbays = 1\nlevels = 2\ncapacity = 5\npick_levels = ["1"]\n',
     "racks[0].pick_levels", "whole level numbers"),
    ('[[locations]]\ncode = "R 1"\nzone = "AMB"\ntype = "reserve"\nx = 1\ny = 1\ncapacity = 5\n',
     "locations[1].code", "without spaces"),
    ('[[locations]]\ncode = "R-1"\nzone = "AMB"\ntype = "reserve"\nx = 1\ny = 1\n', "locations[1].capacity",
     "the key is missing"),
])
def test_typos_that_would_leave_the_floor_stuck_are_refused(config_error, extra, key, expected):
    err = config_error(MINIMAL + extra)
    assert err.key == key and expected in err.expected
