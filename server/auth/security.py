"""Bearer-token authentication for every route but /health, the logins, store webhooks (signed
instead) and the API docs. A token is a user's session or a channel's API key.

Tokens are looked up through a Coalescer: the requests that arrive while one lookup runs are
looked up together in the next, one query for all of them, so a busy server does not spend a
round trip per request on who is calling. Each lookup still reads the database after its
request arrived, so a revoked key or a closed session is refused at once."""

import asyncpg
import structlog
from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult, DefineMiddleware

from schema.channels import Channel
from schema.users import User
from server.auth import users
from server.core.problems import Unauthorized
from server.core.outages import BROKEN, Unavailable, connection
from server.orders import channels


async def principals(pool: asyncpg.Pool, tokens: list[str]) -> list[User | Channel | Unauthorized | Unavailable]:
    """Who each token belongs to, or why it is refused; for a Coalescer."""
    api_keys = [t for t in tokens if t.startswith(channels.API_KEY_PREFIX)]
    sessions = [t for t in tokens if not t.startswith(channels.API_KEY_PREFIX)]
    found: dict[str, User | Channel] = {}
    try:
        async with connection(pool) as conn:
            if api_keys:
                found |= await channels.authenticate_many(conn, api_keys)
            if sessions:
                found |= await users.authenticate_many(conn, sessions)
    except BROKEN:  # each waiting request its own 503, not one exception shared by all
        return [Unavailable() for _ in tokens]
    return [found.get(t) or Unauthorized("the token or API key is unknown, expired or revoked") for t in tokens]


class BearerToken(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        token = _bearer_token(connection)
        user = await connection.app.state.principals.submit(token)
        structlog.contextvars.bind_contextvars(user=user.username if isinstance(user, User) else f"channel:{user.name}")
        return AuthenticationResult(user=user, auth=token)


def _bearer_token(connection: ASGIConnection) -> str:
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send Authorization: Bearer <token>; log in at /api/v1/auth/login")
    return token.strip()


authentication = DefineMiddleware(BearerToken, exclude=["^/schema"])
