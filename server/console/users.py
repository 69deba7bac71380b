"""Administration of users: their roles, badges and passwords; unlocking a locked user."""

import msgspec
from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from schema.users import UserCreate, UserUpdate
from server.auth import users
from server.console.pages import PAGE_SIZE, SUPERVISORS, page
from server.console.session import form
from server.core.http import Conn, allow
from server.core.problems import Conflict, Forbidden, Invalid

GUARD = [allow(*SUPERVISORS)]  # the API's UserController
ROLES = ("admin", "supervisor", "receiver", "picker", "packer", "shipper")


async def _users(request: Request, conn, after: int, status: int = 200, **context) -> Template:
    found = await users.list_users(conn, after, PAGE_SIZE)
    return page(request, "admin/users.html", status, users=found, roles=ROLES,
                more=found[-1].id if len(found) == PAGE_SIZE else None, **context)


@get("/admin/users", guards=GUARD, include_in_schema=False)
async def user_list(request: Request, conn: Conn, after: FromQuery[int] = 0) -> Template:
    return await _users(request, conn, after)


@post("/admin/users", guards=GUARD, include_in_schema=False)
async def create(request: Request, conn: Conn) -> Response:
    fields = await form(request)
    given = {k: fields[k] for k in ("username", "name", "role", "password", "badge", "pin") if fields.get(k)}
    try:
        data = msgspec.convert(given, UserCreate)
        async with conn.transaction():
            await users.create_user(conn, data, request.user)
    except msgspec.ValidationError as error:
        return await _users(request, conn, 0, 422, refusal=Invalid(str(error).replace("$.", "")), given=given)
    except (Conflict, Forbidden, Invalid) as refused:
        return await _users(request, conn, 0, refused.status, refusal=refused, given=given)
    return Redirect("/admin/users", status_code=303)


@post("/admin/users/change", guards=GUARD, include_in_schema=False)
async def change(request: Request, conn: Conn) -> Response:
    """A new role, badge and PIN, password, or the user taken off the floor (the API's updateUser)."""
    fields = await form(request)
    username = fields.get("username", "")
    given = {k: fields[k] for k in ("role", "badge", "pin", "password") if fields.get(k)}
    if fields.get("active"):
        given["active"] = fields["active"] == "yes"
    try:
        data = msgspec.convert(given, UserUpdate)
        async with conn.transaction():
            await users.update_user(conn, username, data, request.user)
    except msgspec.ValidationError as error:
        return await _users(request, conn, 0, 422, refusal=Invalid(str(error).replace("$.", "")))
    except (Conflict, Forbidden, Invalid) as refused:
        return await _users(request, conn, 0, refused.status, refusal=refused)
    return Redirect("/admin/users", status_code=303)


@post("/admin/users/{username:str}/unlock", guards=GUARD, include_in_schema=False)
async def unlock(request: Request, conn: Conn, username: FromPath[str]) -> Response:
    await form(request)
    async with conn.transaction():
        await users.unlock(conn, username, request.user.username)
    return Redirect("/admin/users", status_code=303)
