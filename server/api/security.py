"""Bearer-token authentication for every route but /health, the logins, store webhooks (signed
instead) and the API docs. A token is a user's session or a channel's API key."""

from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult, DefineMiddleware

from server import channels, users
from server.problems import Unauthorized


class BearerToken(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        scheme, _, token = connection.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("send Authorization: Bearer <token>; log in at /api/v1/auth/login")
        token = token.strip()
        async with connection.app.state.pool.acquire() as conn:
            if token.startswith(channels.API_KEY_PREFIX):
                principal = await channels.authenticate(conn, token)
            else:
                principal = await users.authenticate(conn, token)
        if principal is None:
            raise Unauthorized("the token or API key is unknown, expired or revoked")
        return AuthenticationResult(user=principal, auth=token)


authentication = DefineMiddleware(BearerToken, exclude=["^/schema"])
