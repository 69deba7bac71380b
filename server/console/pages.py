"""What every console page shares: its template with the user, the CSRF token, the navigation the
user's role reaches, and error pages."""

from litestar import Request, Response
from litestar.response import Redirect, Template

from server.console.session import csrf_for
from server.core.problems import Problem, Unauthorized
from server.orders.routes import STAFF

PAGE_SIZE = 50
SUPERVISORS = ("supervisor",)
ADMINS: tuple[str, ...] = ()  # allow() with no roles: admins only
ANYONE = None  # any user who is logged in, as the API's unguarded reads

# (title, path, roles): the roles are the guards of the pages behind the link.
NAV = [
    ("Orders", "/orders", STAFF),
    ("Stock", "/stock", ANYONE),
    ("Floor", "/floor", SUPERVISORS),
    ("Printing", "/printing", ANYONE),
    ("Dashboards", "/dashboards", SUPERVISORS),
    ("Channels", "/admin/channels", ADMINS),
    ("Users", "/admin/users", SUPERVISORS),
    ("Carriers and cartons", "/admin/shipping", SUPERVISORS),
    ("Import", "/admin/import", SUPERVISORS),
]


def can(role: str, roles: tuple[str, ...] | None) -> bool:
    """As core.http.allow decides: admins pass every guard."""
    return roles is None or role == "admin" or role in roles


def page(request: Request, template: str, status: int = 200, **context) -> Template:
    me = request.user
    return Template(
        template_name=template,
        status_code=status,
        context=context | {
            "me": me,
            "csrf": csrf_for(request.auth),
            "nav": [(title, path) for title, path, roles in NAV if can(me.role, roles)],
            "path": request.url.path,
        },
    )


def on_problem(request: Request, problem: Problem) -> Response:
    """A refusal as a page; a missing or expired session back to the login."""
    if isinstance(problem, Unauthorized):
        target = request.url.path if request.method == "GET" else "/"
        return Redirect(f"/login?next={target}", status_code=303)
    if request.scope.get("user") is not None:
        return page(request, "error.html", problem.status, problem=problem)
    return Template(template_name="error.html", status_code=problem.status, context={"problem": problem, "nav": []})
