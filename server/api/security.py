"""Bearer-token authentication for every route but /health, the logins, store webhooks (signed
instead) and the API docs. A token is a user's session or a channel's API key.

The middleware takes the request's database connection from the pool, looks the token up on it,
and keeps it for the handler (provide_conn hands it over): one pool checkout, and one reset, per
request instead of two."""

import asyncpg
from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult, DefineMiddleware
from litestar.middleware._utils import should_bypass_middleware
from litestar.types import Receive, Scope, Send

from schema.channels import Channel
from schema.users import User
from server import channels, users
from server.problems import Unauthorized

# Where the request's connection waits in the ASGI scope for provide_conn.
SCOPE_CONN = "wms.conn"


class BearerToken(AbstractAuthenticationMiddleware):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if should_bypass_middleware(
            exclude_http_methods=self.exclude_http_methods,
            exclude_opt_key=self.exclude_opt_key,
            exclude_path_pattern=self.exclude,
            scope=scope,
            scopes=self.scopes,
        ):
            await self.app(scope, receive, send)
            return
        token = _bearer_token(ASGIConnection(scope))
        async with scope["litestar_app"].state.pool.acquire() as conn:
            scope["user"] = await _principal(conn, token)
            scope["auth"] = token
            scope[SCOPE_CONN] = conn  # type: ignore[literal-required]
            try:
                await self.app(scope, receive, send)
            finally:
                scope.pop(SCOPE_CONN, None)  # type: ignore[misc]

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        # Not called by __call__ above; kept for anything that authenticates a connection by hand.
        token = _bearer_token(connection)
        async with connection.app.state.pool.acquire() as conn:
            return AuthenticationResult(user=await _principal(conn, token), auth=token)


async def _principal(conn: asyncpg.Connection, token: str) -> User | Channel:
    if token.startswith(channels.API_KEY_PREFIX):
        principal = await channels.authenticate(conn, token)
    else:
        principal = await users.authenticate(conn, token)
    if principal is None:
        raise Unauthorized("the token or API key is unknown, expired or revoked")
    return principal


def _bearer_token(connection: ASGIConnection) -> str:
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send Authorization: Bearer <token>; log in at /api/v1/auth/login")
    return token.strip()


authentication = DefineMiddleware(BearerToken, exclude=["^/schema"])
