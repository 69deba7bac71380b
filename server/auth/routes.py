"""Logging in and out, and managing users."""

from litestar import Controller, Request, Response, get, patch, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody

from schema.common import Page
from schema.users import BadgeLogin, PasswordLogin, SecurityEvent, Session, User, UserCreate, UserUpdate
from server.auth import logins, users
from server.core.errors import problem_spec
from server.core.http import Conn, Cursor, IdempotencyKey, PageSize, after_cursor, allow, once, page

PUBLIC = {"exclude_from_auth": True}


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["auth"]

    @post(
        "/badge",
        operation_id="loginWithBadge",
        summary="Log in with a badge barcode and PIN (handhelds); 201: a session is created",
        opt=PUBLIC,
        responses={429: problem_spec(429)},
    )
    async def badge(self, request: Request, data: JSONBody[BadgeLogin], conn: Conn, state: State) -> Session:
        return await logins.login_badge(conn, data.badge, data.pin, _source(request), state.settings)

    @post(
        "/login",
        operation_id="loginWithPassword",
        summary="Log in with user name and password (browsers); 201: a session is created",
        opt=PUBLIC,
        responses={429: problem_spec(429)},
    )
    async def login(self, request: Request, data: JSONBody[PasswordLogin], conn: Conn, state: State) -> Session:
        return await logins.login_password(conn, data.username, data.password, _source(request), state.settings)

    @post("/logout", operation_id="logout", summary="End this session", status_code=204)
    async def logout(self, request: Request, conn: Conn) -> None:
        await users.logout(conn, request.auth)

    @get("/me", operation_id="whoAmI", summary="The logged-in user")
    async def me(self, request: Request) -> User:
        return request.user


def _source(request: Request) -> str:
    """Where a login comes from, for slowing down an address that guesses."""
    return request.client.host if request.client else "unknown"


class UserController(Controller):
    path = "/api/v1/users"
    tags = ["users"]
    guards = [allow("supervisor")]

    @post(operation_id="createUser", summary="Create a user with a role, and a badge + PIN and/or a password")
    async def create(
        self, request: Request, data: JSONBody[UserCreate], conn: Conn, idempotency_key: IdempotencyKey
    ) -> Response[User]:
        return await once(request, conn, idempotency_key, data, lambda: users.create_user(conn, data, request.user))

    @patch("/{username:str}", operation_id="updateUser",
           summary="Change a user's role, name, badge and PIN or password, or take them off the floor (their sessions end)")
    async def update(self, request: Request, conn: Conn, username: FromPath[str], data: JSONBody[UserUpdate],
                     idempotency_key: IdempotencyKey) -> Response[User]:
        return await once(request, conn, idempotency_key, data, lambda: users.update_user(conn, username, data, request.user), 200)

    @get(operation_id="listUsers", summary="List users")
    async def list(self, conn: Conn, cursor: Cursor = None, limit: PageSize = 100) -> Page[User]:
        return page(await users.list_users(conn, after_cursor(cursor), limit), limit)

    @post("/{username:str}/unlock", operation_id="unlockUser", summary="Let a user locked after wrong tries log in again", status_code=200)
    async def unlock(
        self, request: Request, conn: Conn, username: FromPath[str], idempotency_key: IdempotencyKey
    ) -> Response[User]:
        return await once(request, conn, idempotency_key, username, lambda: users.unlock(conn, username, request.user.username), 200)


@get(
    "/api/v1/security-events",
    operation_id="listSecurityEvents",
    summary="Users locked and unlocked, addresses slowed down for guessing",
    tags=["users"],
    guards=[allow("supervisor")],
)
async def security_events(conn: Conn, cursor: Cursor = None, limit: PageSize = 100) -> Page[SecurityEvent]:
    return page(await users.security_events(conn, after_cursor(cursor), limit), limit)
