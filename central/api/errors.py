"""Every error leaves as JSON `{"error": {"code", "message", "details"}}`; never a traceback."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.routing import Match

from central import errors
from sync import errors as sync_errors

log = logging.getLogger("central.api")

STATUS: list[tuple[type[errors.CentralError], int]] = [
    (errors.BatchMediaType, 415),
    (errors.Unauthorized, 401),
    (errors.Forbidden, 403),
    (errors.NotFound, 404),
    (errors.Conflict, 409),
    (errors.InvalidRequest, 422),
    (errors.AcquirerError, 502),
    (errors.CentralError, 500),
]


def error_response(status: int, code: str, message: str, details: dict[str, Any] | None = None,
                   headers: Mapping[str, str] | None = None) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    extra = dict(headers or {}) | ({"WWW-Authenticate": "Bearer"} if status == 401 else {})
    return JSONResponse(body, status_code=status, headers=extra or None)


def central_error_response(exc: errors.CentralError) -> JSONResponse:
    status = next(code for cls, code in STATUS if isinstance(exc, cls))
    if status >= 500:
        log.error("%s: %s", exc.code, exc.message)
    return error_response(status, exc.code, exc.message, exc.details)


async def _central_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, errors.CentralError)
    return central_error_response(exc)


async def _sync_refusal(_: Request, exc: Exception) -> JSONResponse:
    """Refusals of an upload: bad_batch (400), gap with the seq to resend from, fence (409)."""
    assert isinstance(exc, sync_errors.SyncError)
    if isinstance(exc, sync_errors.Gap):
        return error_response(409, exc.code, str(exc), {"expected_seq": exc.expected_seq})
    status = 409 if isinstance(exc, sync_errors.Fence) else 400
    return error_response(status, exc.code, str(exc))


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [{"where": ".".join(str(p) for p in e["loc"]), "problem": e["msg"]}
                for e in exc.errors()]
    if any(e["type"] == "json_invalid" for e in exc.errors()):
        return error_response(400, "malformed_json", "the request body is not valid JSON",
                              {"problems": problems})
    first = problems[0] if problems else {"where": "request", "problem": "invalid"}
    return error_response(422, "validation_failed",
                          f"{first['where']}: {first['problem']}", {"problems": problems})


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    codes = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized"}
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request)
    code = getattr(exc, "code", None) or codes.get(exc.status_code, "http_error")
    return error_response(exc.status_code, code, str(exc.detail), headers=headers)


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at this path (the router names only one route's)."""
    return ", ".join(method for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
                     if any(route.matches({**request.scope, "method": method})[0] is Match.FULL
                            for route in request.app.routes))


async def _database_down(_: Request, exc: Exception) -> JSONResponse:
    log.error("database unavailable: %s", exc)
    return error_response(503, "database_unavailable",
                          "the order database is unavailable; retry in a moment")


async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=exc)
    return error_response(500, "internal_error",
                          "central hit an unexpected error; it has been logged")


def install(app: FastAPI) -> None:
    app.add_exception_handler(errors.CentralError, _central_error)
    app.add_exception_handler(sync_errors.SyncError, _sync_refusal)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    # Lost or refused connections, through SQLAlchemy or on the driver itself (the checkout's hot
    # path, the sandbox's books: a database locked past the busy timeout on SQLite), and a pool
    # with no connection free for its whole timeout.
    for unavailable in (OperationalError, psycopg.OperationalError, sqlite3.OperationalError, PoolTimeout):
        app.add_exception_handler(unavailable, _database_down)
    app.add_exception_handler(Exception, _unexpected)
