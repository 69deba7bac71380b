"""Logging in and out, and managing users."""

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.params import JSONBody

from schema.common import Page
from schema.users import BadgeLogin, PasswordLogin, Session, User, UserCreate
from server.auth import users
from server.core.http import Conn, Cursor, IdempotencyKey, PageSize, after_cursor, allow, once, page

PUBLIC = {"exclude_from_auth": True}


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["auth"]

    @post("/badge", operation_id="loginWithBadge", summary="Log in with a badge barcode and PIN (handhelds)", opt=PUBLIC)
    async def badge(self, data: JSONBody[BadgeLogin], conn: Conn, state: State) -> Session:
        return await users.login_badge(conn, data.badge, data.pin, state.settings.session_hours)

    @post("/login", operation_id="loginWithPassword", summary="Log in with user name and password (browsers)", opt=PUBLIC)
    async def login(self, data: JSONBody[PasswordLogin], conn: Conn, state: State) -> Session:
        return await users.login_password(conn, data.username, data.password, state.settings.session_hours)

    @post("/logout", operation_id="logout", summary="End this session", status_code=204)
    async def logout(self, request: Request, conn: Conn) -> None:
        await users.logout(conn, request.auth)

    @get("/me", operation_id="whoAmI", summary="The logged-in user")
    async def me(self, request: Request) -> User:
        return request.user


class UserController(Controller):
    path = "/api/v1/users"
    tags = ["users"]
    guards = [allow("supervisor")]

    @post(operation_id="createUser", summary="Create a user with a role, and a badge + PIN and/or a password")
    async def create(
        self, request: Request, data: JSONBody[UserCreate], conn: Conn, idempotency_key: IdempotencyKey
    ) -> Response[User]:
        return await once(request, conn, idempotency_key, data, lambda: users.create_user(conn, data))

    @get(operation_id="listUsers", summary="List users")
    async def list(self, conn: Conn, cursor: Cursor = None, limit: PageSize = 100) -> Page[User]:
        return page(await users.list_users(conn, after_cursor(cursor), limit), limit)
