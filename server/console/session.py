"""The console's session: a cookie holding the same session token a password login gives the API,
checked by the same lookup; CSRF tokens for its forms; the headers every page is sent with.

The API reads its token from the Authorization header only, so a cookie the browser attaches by
itself never authorises an API call: only the console's pages, whose forms carry a CSRF token."""

import datetime
import hashlib
import hmac
import secrets

from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, ResponseHeader
from litestar.handlers import BaseRouteHandler
from litestar.middleware import (
    AbstractAuthenticationMiddleware,
    AuthenticationResult,
    DefineMiddleware,
)

from schema.users import Session, User
from server.core import nul
from server.core.problems import Forbidden, Malformed, Unauthorized

COOKIE = "wms_console"
LOGIN_COOKIE = "wms_console_login"  # the CSRF token of the login form, before there is a session
PUBLIC = {"console_public": True}

# No inline script or style, no plugins, no framing; forms post only here.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
HEADERS = [
    ResponseHeader(name="Content-Security-Policy", value=CSP),
    ResponseHeader(name="X-Content-Type-Options", value="nosniff"),
    ResponseHeader(name="Referrer-Policy", value="same-origin"),
    ResponseHeader(name="Cache-Control", value="no-store"),
]


class CookieSession(AbstractAuthenticationMiddleware):
    """The user behind the console cookie; a channel's API key is no console session."""

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        token = connection.cookies.get(COOKIE, "")
        if not token:
            raise Unauthorized("log in to use the console")
        user = await connection.app.state.principals.submit(token)
        if not isinstance(user, User):
            raise Unauthorized("log in to use the console")
        return AuthenticationResult(user=user, auth=token)


session = DefineMiddleware(CookieSession, exclude_from_auth_key="console_public")


def csrf_for(secret: str) -> str:
    """The token a form must carry: derived from the session token, which only this browser holds
    (HttpOnly), so another site cannot know it; nothing to store, any server process can check it."""
    return hashlib.sha256(b"wms console csrf\x00" + secret.encode()).hexdigest()


async def form(request: Request) -> dict[str, str]:
    """The posted form's fields (files left out), checked: the CSRF token, and no NUL anywhere."""
    data = await request.form()
    secret = request.scope.get("auth") or request.cookies.get(LOGIN_COOKIE, "")
    sent = data.get("csrf", "") if isinstance(data.get("csrf", ""), str) else ""
    if not secret or not hmac.compare_digest(sent, csrf_for(secret)):
        raise Forbidden("the form's security token is missing or stale: reload the page and try again")
    fields = {k: v for k, v in data.items() if isinstance(v, str)}
    for name, value in fields.items():
        if "\x00" in value:
            raise Malformed(f"{name}: {nul.REASON}")
    return fields


async def forms_checked(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Every console POST carries its CSRF token, checked before the handler runs."""
    if connection.scope["method"] == "POST":
        await form(connection)  # type: ignore[arg-type]


def login_secret(request: Request) -> str:
    return request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)


def _secure(request: Request) -> bool:
    """Secure cookies behind HTTPS (uvicorn takes the scheme from a trusted proxy's X-Forwarded-Proto)."""
    return request.url.scheme == "https"


def login_cookie(request: Request, secret: str) -> Cookie:
    return Cookie(key=LOGIN_COOKIE, value=secret, httponly=True, samesite="strict", secure=_secure(request), path="/login")


def signed_in(request: Request, response: Response, opened: Session) -> Response:
    """The session's token as the console cookie, expiring with the session itself."""
    expires = datetime.datetime.fromisoformat(opened.expires_at)
    seconds = max(int((expires - datetime.datetime.now(tz=expires.tzinfo)).total_seconds()), 0)
    response.set_cookie(
        key=COOKIE, value=opened.token, max_age=seconds, httponly=True, samesite="strict", secure=_secure(request), path="/"
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


def signed_out(response: Response) -> Response:
    response.delete_cookie(COOKIE, path="/")
    return response

