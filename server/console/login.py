"""Logging in to the console with a user name and password (the API's own login, its lockout and
its throttle), and out."""

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from server.auth import logins, users
from server.console.pages import page
from server.console.session import (
    PUBLIC,
    csrf_for,
    form,
    login_cookie,
    login_secret,
    signed_in,
    signed_out,
)
from server.core.http import Conn
from server.core.problems import TooManyRequests, Unauthorized


def _next(target: str) -> str:
    """Only a path of this site: never //elsewhere or a full URL."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


def _form(request: Request, status: int = 200, error: str = "", username: str = "", target: str = "/") -> Response:
    secret = login_secret(request)
    context = {"csrf": csrf_for(secret), "error": error, "username": username, "next": _next(target), "nav": []}
    response = Template(template_name="login.html", status_code=status, context=context)
    response.cookies.append(login_cookie(request, secret))
    return response


@get("/login", opt=PUBLIC, include_in_schema=False)
async def login_page(request: Request, next: FromQuery[str] = "/") -> Response:
    return _form(request, target=next)


@post("/login", opt=PUBLIC, include_in_schema=False)
async def login(request: Request, conn: Conn, state: State) -> Response:
    fields = await form(request)
    username, target = fields.get("username", ""), fields.get("next", "/")
    source = request.client.host if request.client else "unknown"
    try:
        opened = await logins.login_password(conn, username, fields.get("password", ""), source, state.settings)
    except (Unauthorized, TooManyRequests) as refused:
        return _form(request, refused.status, refused.detail, username, target)
    return signed_in(request, Redirect(_next(target), status_code=303), opened)


@post("/logout", include_in_schema=False)
async def logout(request: Request, conn: Conn) -> Response:
    await users.logout(conn, request.auth)
    return signed_out(Redirect("/login", status_code=303))


@get("/", include_in_schema=False)
async def home(request: Request) -> Template:
    return page(request, "home.html")
