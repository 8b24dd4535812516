"""`[waves]` of the warehouse file: the schedule, its defaults and every refusal naming the key."""

from __future__ import annotations

import pytest

from edge.errors import ConfigError
from edge.wave_schedule import WaveSchedule, parse_waves

BASE = """
[warehouse]
id = "WH-T"

[[zones]]
code = "IN"

[[locations]]
code = "RCV-01"
zone = "IN"
type = "receiving"
x = 0.0
y = 0.0

[[locations]]
code = "PW-01"
zone = "IN"
type = "put_wall"
x = 1.0
y = 0.0
"""


def test_no_waves_table_means_no_schedule(parse):
    cfg = parse(BASE)
    assert parse_waves(cfg) is None
    assert [loc.type for loc in cfg.locations] == ["receiving", "put_wall"]


def test_schedule_and_defaults(parse):
    scheduled = parse_waves(parse(BASE + '[waves]\ncutoffs = ["15:00", "11:00"]\ntimezone = "Europe/Moscow"\n'
                                         'release = "schedule"\nrelease_before_minutes = 90\nplan_every_s = 30\n'))
    assert scheduled == WaveSchedule(("15:00", "11:00"), "Europe/Moscow", 90, 30.0)
    cmd = scheduled.command()
    assert (cmd.cutoffs, cmd.timezone, cmd.release_within_min, cmd.device) == (
        ("15:00", "11:00"), "Europe/Moscow", 90, "wave-schedule")
    by_hand = parse_waves(parse(BASE + '[waves]\ncutoffs = ["12:00"]\n'))
    assert by_hand == WaveSchedule(("12:00",), "UTC", None, 60.0)


@pytest.mark.parametrize(("table", "words"), [
    ("timezone = \"UTC\"", ["waves.cutoffs", "missing"]),
    ('cutoffs = ["25:00"]', ["waves.cutoffs", "times of day", "'25:00'"]),
    ('cutoffs = ["12:00"]\ntimezone = "Mars/Olympus"', ["waves.timezone", "Europe/Moscow"]),
    ('cutoffs = ["12:00"]\nrelease = "auto"', ["waves.release", '"schedule"']),
    ('cutoffs = ["12:00"]\nrelease_before_minutes = -5', ["waves.release_before_minutes", ">= 0"]),
    ('cutoffs = ["12:00"]\nrelase = "schedule"', ["waves.relase", "known keys"]),
])
def test_waves_errors(parse, table, words):
    with pytest.raises(ConfigError) as info:
        parse_waves(parse(BASE + "[waves]\n" + table + "\n"))
    for word in words:
        assert word in str(info.value), str(info.value)
