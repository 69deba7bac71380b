"""Every error leaves the server as RFC 9457 application/problem+json."""

import logging

import asyncpg
import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from schema.common import FieldError
from schema.common import Problem as ProblemBody
from server.core.problems import Problem

log = logging.getLogger("wms.api")

MEDIA_TYPE = "application/problem+json"


def problem_response(
    status: int, title: str, detail: str, errors: list[FieldError], headers=None, extensions: dict | None = None
) -> Response:
    body = msgspec.structs.asdict(ProblemBody(title=title, status=status, detail=detail, errors=errors))
    if not errors:
        del body["errors"]
    return Response(body | (extensions or {}), status_code=status, media_type=MEDIA_TYPE, headers=headers)


def on_problem(_: Request, exc: Problem) -> Response:
    headers = dict(exc.headers)
    if exc.status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="wms"')
    return problem_response(exc.status, exc.title, exc.detail, exc.errors, headers, exc.extensions)


def on_validation(request: Request, exc: ValidationException) -> Response:
    """Litestar's own checks of path, query and header parameters, each named as the caller sends
    it (`limit`, `Idempotency-Key`)."""
    errors = [
        FieldError(_sent_as(request, e["key"]) if e.get("key") else "body", e["message"])
        for e in (exc.extra or [])
        if isinstance(e, dict)
    ]
    detail = "; ".join(f"{e.field}: {e.reason}" for e in errors) or exc.detail
    return problem_response(400, "Malformed request", detail, errors)


def _sent_as(request: Request, key: str) -> str:
    fields = getattr(request.route_handler.signature_model, "_fields", {})
    definition = getattr(fields.get(key), "kwarg_definition", None)
    return getattr(definition, "name", None) or key


def on_http(_: Request, exc: HTTPException) -> Response:
    return problem_response(exc.status_code, exc.detail, "", [], exc.headers)


def on_database(request: Request, exc: asyncpg.PostgresError) -> Response:
    """A constraint the services did not check first: still the caller's data, never a 500."""
    if isinstance(exc, asyncpg.IntegrityConstraintViolationError):
        return problem_response(409, "Conflict", exc.detail or str(exc), [])
    if isinstance(exc, asyncpg.DataError):
        return problem_response(422, "Invalid input", str(exc), [])
    return on_unexpected(request, exc)


def on_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(500, "Internal server error", "the error is logged on the server", [])


exception_handlers = {
    Problem: on_problem,
    ValidationException: on_validation,
    HTTPException: on_http,
    asyncpg.PostgresError: on_database,
    Exception: on_unexpected,
}
