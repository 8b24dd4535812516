"""Hypothesis strategies for requests, generated from an OpenAPI 3.1 document.

Values mostly follow the schema (so requests reach the handlers) and sometimes break it
(wrong types, out-of-range numbers, stray fields, control characters, broken JSON), so the
fuzz test covers both the validation layer and the code behind it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st

KNOWN_IDS = ["A", "B", "C", "D", "FLASH", "wh-msk", "wh-spb", "wh-kzn", "pp-msk", "pp-kzn",
             "alice"]
NASTY = ["", " ", "\x00", "A\x00", "\ud800", "../../etc", "' OR 1=1 --", "9" * 400, "🙂",
         "-1", "1e309", "NaN", "null"]

any_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=10,
)


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict[str, Any]


def operations(doc: dict[str, Any]) -> list[Operation]:
    return [Operation(method.upper(), path, spec)
            for path, item in doc["paths"].items() for method, spec in item.items()]


class SchemaStrategies:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.schemas = doc.get("components", {}).get("schemas", {})

    def value(self, schema: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
        """Mostly a valid value for `schema`, sometimes anything at all."""
        valid = self._valid(schema, depth)
        return st.one_of(valid, valid, valid, valid, any_json, st.sampled_from(NASTY))

    def _valid(self, schema: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
        if "$ref" in schema:
            return self._valid(self.schemas[schema["$ref"].rsplit("/", 1)[-1]], depth)
        for key in ("anyOf", "oneOf"):
            if key in schema:
                return st.one_of(*[self._valid(s, depth) for s in schema[key]])
        if "allOf" in schema:
            return self._valid(schema["allOf"][0], depth)
        if "const" in schema:
            return st.just(schema["const"])
        if "enum" in schema:
            return st.sampled_from(schema["enum"])
        kind = schema.get("type")
        builders = {"object": self._object, "array": self._array, "string": self._string,
                    "integer": self._integer, "number": self._number}
        if kind in builders:
            return builders[kind](schema, depth)
        return {"boolean": st.booleans(), "null": st.none()}.get(kind, any_json)

    def _object(self, schema: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
        props = schema.get("properties", {}) if depth < 4 else {}
        required = set(schema.get("required", []))
        return st.fixed_dictionaries(
            {k: self.value(v, depth + 1) for k, v in props.items() if k in required},
            optional={k: self.value(v, depth + 1) for k, v in props.items()
                      if k not in required},
        )

    def _array(self, schema: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
        items = self.value(schema.get("items", {}), depth + 1)
        low = schema.get("minItems", 0)
        return st.lists(items, min_size=low, max_size=max(low, min(schema.get("maxItems", 4),
                                                                    4)))

    def _string(self, schema: dict[str, Any], _: int) -> st.SearchStrategy[Any]:
        if "pattern" in schema:
            shaped = st.from_regex(schema["pattern"], fullmatch=True).filter(
                lambda s: len(s) <= schema.get("maxLength", 64))
            return st.one_of(shaped, st.sampled_from(KNOWN_IDS))
        if schema.get("format") == "date-time":
            return st.datetimes(timezones=st.just(None)).map(lambda d: d.isoformat() + "Z")
        return st.text(min_size=schema.get("minLength", 0),
                       max_size=min(schema.get("maxLength", 40), 40))

    def _integer(self, schema: dict[str, Any], _: int) -> st.SearchStrategy[Any]:
        low, high = schema.get("minimum"), schema.get("maximum")
        return st.one_of(st.integers(low, high), st.integers())

    def _number(self, schema: dict[str, Any], _: int) -> st.SearchStrategy[Any]:
        return st.floats(schema.get("minimum"), schema.get("maximum"), allow_nan=False)


def request(doc: dict[str, Any], op: Operation, auth: dict[str, str]
            ) -> st.SearchStrategy[dict[str, Any]]:
    """Strategy for kwargs of TestClient.request(method, url, ...)."""
    gen = SchemaStrategies(doc)
    valid_auth = [auth[k] for k in ("admin", "alice") if k in auth] * 2
    params = op.spec.get("parameters", [])
    path_params = {p["name"]: gen.value(p.get("schema", {})).map(_url_safe)
                   for p in params if p["in"] == "path"}
    query = {p["name"]: gen.value(p.get("schema", {})) for p in params if p["in"] == "query"}
    body_schema = (op.spec.get("requestBody", {}).get("content", {})
                   .get("application/json", {}).get("schema"))
    body = gen.value(body_schema).map(json.dumps) if body_schema else st.just("")
    raw = st.binary(max_size=64).map(lambda b: b.decode("latin-1"))
    return st.fixed_dictionaries({
        "path": st.fixed_dictionaries(path_params),
        "params": st.fixed_dictionaries({}, optional=query),
        "content": st.one_of(body, body, body, raw, any_json.map(json.dumps)),
        "headers": st.sampled_from(list(auth.values()) + valid_auth),
    }).map(lambda r: _to_request(op, r))


def _to_request(op: Operation, drawn: dict[str, Any]) -> dict[str, Any]:
    url = op.path.format(**drawn["path"]) if drawn["path"] else op.path
    params = {k: _printable(v if isinstance(v, str) else json.dumps(v))
              for k, v in drawn["params"].items()}
    headers = dict(drawn["headers"]) | {"Content-Type": "application/json"}
    return {"method": op.method, "url": url, "params": params,
            "content": drawn["content"].encode("utf-8", "surrogatepass"), "headers": headers}


def _printable(value: str) -> str:
    """Lone surrogates cannot go on the wire as text: send their replacement character."""
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _url_safe(value: Any) -> str:
    return quote(str(value).encode("utf-8", "surrogatepass"), safe="")
