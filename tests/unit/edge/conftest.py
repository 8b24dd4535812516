"""Fixtures for the edge unit tests: warehouse TOML text parsed in memory, domain value factories.

Helpers are handed out as fixtures (there is no tests package to import them from).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from edge.config import WarehouseConfig, parse_config
from edge.domain.model import Location, Stock
from edge.errors import ConfigError

SOURCE = "test-warehouse.toml"


@pytest.fixture
def source() -> str:
    """The file name every in-memory config claims to come from."""
    return SOURCE


@pytest.fixture
def parse() -> Callable[[str], WarehouseConfig]:
    def parse(text: str) -> WarehouseConfig:
        return parse_config(tomllib.loads(text), SOURCE, base_dir=Path("/cfg"))

    return parse


@pytest.fixture
def config_error(parse) -> Callable[[str], ConfigError]:
    """Parse text that must be refused; returns the ConfigError after checking it names the file."""

    def config_error(text: str) -> ConfigError:
        with pytest.raises(ConfigError) as info:
            parse(text)
        assert str(info.value).startswith(f"{SOURCE}: "), str(info.value)
        return info.value

    return config_error


@pytest.fixture
def loc() -> Callable[..., Location]:
    def loc(code: str, x: float = 0.0, y: float = 0.0, type: str = "pick_face", zone: str = "AMB",
            capacity: int = 100) -> Location:
        return Location(code, zone, type, x, y, capacity)

    return loc


@pytest.fixture
def stock() -> Callable[..., Stock]:
    def stock(location: Location, on_hand: int, allocated: int = 0, lot: str = "",
              expiry: date | None = None, sku: str = "SKU-1") -> Stock:
        return Stock(location, sku, lot, expiry, on_hand, allocated)

    return stock
