"""Errors the services raise; the API turns each into RFC 9457 problem+json."""

from schema.common import FieldError


class Problem(Exception):
    status = 400
    title = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[FieldError] | None = None,
        headers: dict | None = None,
        extensions: dict | None = None,
    ):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}
        # RFC 9457 extension members, e.g. the id of the order a duplicate collides with
        self.extensions = extensions or {}


class Malformed(Problem):
    """The body is not JSON, or does not have the shape the operation takes."""

    status = 400
    title = "Malformed request"


class Invalid(Problem):
    status = 422
    title = "Invalid input"

    @classmethod
    def field(cls, field: str, reason: str) -> "Invalid":
        return cls(f"{field}: {reason}", errors=[FieldError(field, reason)])


class Unauthorized(Problem):
    status = 401
    title = "Not authenticated"


class TooManyRequests(Problem):
    status = 429
    title = "Too many failed attempts"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


class Forbidden(Problem):
    status = 403
    title = "Not allowed"


class NotFound(Problem):
    status = 404
    title = "Not found"


class Conflict(Problem):
    status = 409
    title = "Conflict"


class InsufficientStock(Conflict):
    title = "Not enough stock"
