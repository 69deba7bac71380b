"""What every request leaves behind: a request id (the caller's X-Request-ID, or one made here;
sent back), its method, route, user and device on every log line written while it runs, its
duration in the metrics, and a log line of its own when it failed, took over a second, or access
logging is on (`wms serve --access-log`)."""

import logging
import time
import uuid

import structlog
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from server.core.metrics import REQUEST_SECONDS

log = logging.getLogger("wms.requests")
SLOW_SECONDS = 1.0


class Observed(ASGIMiddleware):
    def __init__(self, access_log: bool = False) -> None:
        self.access_log = access_log

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        headers = dict(scope.get("headers") or [])
        request_id = headers.get(b"x-request-id", b"").decode("latin-1")[:64] or uuid.uuid4().hex[:16]
        route = scope.get("path_template") or scope.get("path", "")
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(
            request_id=request_id, method=scope.get("method", ""), route=route,
            device=headers.get(b"x-device", b"").decode("latin-1")[:64] or None,
        )
        status = 500
        started = time.perf_counter()

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode("latin-1"))]
            await send(message)

        try:
            await next_app(scope, receive, sending)
        finally:
            took = time.perf_counter() - started
            REQUEST_SECONDS.labels(scope.get("method", ""), route, f"{status // 100}xx").observe(took)
            if self.access_log or status >= 500 or took > SLOW_SECONDS:
                log.info("request answered", extra={"status": status, "ms": round(took * 1000, 1)})
            structlog.contextvars.clear_contextvars()
