"""Bearer-token authentication for every route but /health, the logins and the API docs."""

from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult, DefineMiddleware

from server import users
from server.problems import Unauthorized


class BearerToken(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        scheme, _, token = connection.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("send Authorization: Bearer <token>; log in at /api/v1/auth/login")
        async with connection.app.state.pool.acquire() as conn:
            user = await users.authenticate(conn, token.strip())
        if user is None:
            raise Unauthorized("the token is unknown, expired or revoked; log in again")
        return AuthenticationResult(user=user, auth=token.strip())


authentication = DefineMiddleware(BearerToken, exclude=["^/schema"])
