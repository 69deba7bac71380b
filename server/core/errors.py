"""Every error leaves the server as RFC 9457 application/problem+json."""

import logging

import asyncpg
import msgspec
from litestar import Litestar, Request, Response
from litestar.constants import RESERVED_KWARGS
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.routes import HTTPRoute
from litestar.exceptions import HTTPException, ValidationException

from schema.common import FieldError
from schema.common import Problem as ProblemBody
from server.core.outages import DATABASE, Unavailable, broken
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
    if broken(exc):
        return on_unavailable(exc)
    if isinstance(exc, asyncpg.InsufficientResourcesError):  # disk full, out of memory, too many connections
        log.error("the database is out of resources: %s", exc)
        return on_problem(None, Unavailable(f"the database cannot take this now ({exc}); nothing was changed"))
    if isinstance(exc, asyncpg.IntegrityConstraintViolationError):
        return problem_response(409, "Conflict", exc.detail or str(exc), [])
    if isinstance(exc, asyncpg.DataError):
        return problem_response(422, "Invalid input", str(exc), [])
    return on_unexpected(request, exc)


def on_unavailable(exc: BaseException) -> Response:
    """The database is away (restarting, failing over): 503 and when to retry, said once in the log."""
    DATABASE.failed(exc)
    return on_problem(None, Unavailable())


def on_unexpected(request: Request, exc: Exception) -> Response:
    if broken(exc):
        return on_unavailable(exc)
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(500, "Internal server error", "the error is logged on the server", [])


exception_handlers = {
    Problem: on_problem,
    ValidationException: on_validation,
    HTTPException: on_http,
    asyncpg.PostgresError: on_database,
    Exception: on_unexpected,
}


_PROBLEMS = {
    400: "Malformed: the body or a parameter is not of the shape the operation takes; `errors` names each field",
    401: "No valid credentials: send `Authorization: Bearer <session token or channel API key>` (store webhooks: their signature)",
    403: "The caller's role, or a channel's API key, may not do this; `detail` says who may",
    404: "What the path names does not exist (or belongs to another channel)",
    409: "Conflicts with the current state, or the Idempotency-Key is still being answered; `detail` says why",
    422: "Well-formed but refused: `errors` names each field and why",
    429: "Too many failed attempts from this address: wait as long as Retry-After says",
    503: "The database cannot be reached just now: retry after Retry-After seconds, with the same Idempotency-Key",
}
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def problems_answered(handler: HTTPRouteHandler, path_parameters: set[str]) -> dict[int, ResponseSpec]:
    """The problem+json answers an operation really gives, for its OpenAPI document: 400 for any
    input, 401 for any caller but a public read's (/health), 403 under a guard, 404 for a path that
    names something, 409 and 422 for writes, 422 for reads whose query can be refused, and 503
    for all while the database cannot be reached."""
    dependencies = handler.resolve_dependencies()
    inputs = {
        name for name in handler.parsed_fn_signature.parameters
        if name not in dependencies and (name == "data" or name not in RESERVED_KWARGS)
    }
    writes = bool(handler.http_methods & _WRITES)
    codes = set()
    if inputs:
        codes.add(400)
    if writes or not handler.opt.get("exclude_from_auth"):
        codes.add(401)
    if handler.resolve_guards():
        codes.add(403)
    if path_parameters:
        codes.add(404)
    if writes:
        codes |= {409, 422}
    elif inputs - path_parameters:
        codes.add(422)
    codes.add(503)  # every operation reads the database, which may be restarting
    return {code: problem_spec(code) for code in sorted(codes)}


def problem_spec(code: int) -> ResponseSpec:
    """A problem+json answer with this status, for a route's OpenAPI `responses`."""
    return ResponseSpec(data_container=ProblemBody, media_type=MEDIA_TYPE, description=_PROBLEMS[code], generate_examples=False)


def document_problems(app: Litestar) -> None:
    """Every operation's problem answers in the OpenAPI document, with the one Problem schema
    (instead of Litestar's default 400 body, which the server never sends)."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        path_parameters = set(route.path_parameters)
        for handler in route.route_handlers:
            if handler.include_in_schema:
                handler.responses = problems_answered(handler, path_parameters) | (handler.responses or {})
