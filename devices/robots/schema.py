"""Validation of every message, both ways, against the official VDA 5050 JSON schemas.

The schemas ship inside this package (`schemas/`, MIT licence beside them); a deployment may point
at another copy. Files are read once, on the first validation, never at import time. Validation
runs on jsonschema-rs: the pure-Python validator takes ~4 ms a state message, which a fleet of
hundreds of vehicles reporting several times a second cannot afford (jsonschema-rs: ~10 µs).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

import jsonschema_rs

from devices.robots.errors import BadMessage
from devices.robots.topics import SUBTOPICS
from devices.robots.versions import Version


class Schemas:
    def __init__(self, root: Path | None = None) -> None:
        self._root = root

    @cache  # noqa: B019 - one validator per (schemas, subtopic, version), built on first use
    def validator(self, subtopic: str, schema_dir: str) -> jsonschema_rs.Draft202012Validator:
        if subtopic not in SUBTOPICS:
            raise BadMessage(f"no schema for subtopic {subtopic!r}", field="topic")
        if self._root is None:
            text = resources.files("devices.robots").joinpath("schemas", schema_dir, f"{subtopic}.schema").read_text()
        else:
            text = (self._root / schema_dir / f"{subtopic}.schema").read_text()
        return jsonschema_rs.Draft202012Validator(json.loads(text))

    def problems(self, subtopic: str, version: Version, body: dict) -> list[str]:
        """Every way `body` breaks its schema, each as 'field: what is wrong'; empty when valid."""
        validator = self.validator(subtopic, version.schema_dir)
        if validator.is_valid(body):
            return []
        return sorted(f"{'.'.join(str(p) for p in e.instance_path) or '(message)'}: {e.message}"
                      for e in validator.iter_errors(body))

    def check(self, subtopic: str, version: Version, body: dict, vehicle: str = "?") -> None:
        problems = self.problems(subtopic, version, body)
        if problems:
            field = problems[0].split(":", 1)[0]
            raise BadMessage(f"{subtopic} fails the VDA 5050 {version.full} schema: {'; '.join(problems[:3])}",
                             vehicle, field)


DEFAULT = Schemas()
