"""CSV import (locations, SKUs, stock) with each refused line shown beside the file's own lines."""

import re

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.response import Template

from server.console.pages import SUPERVISORS, page
from server.console.session import form
from server.core.http import Conn, allow
from server.core.problems import Invalid
from server.inventory import csv_files
from server.inventory.stock import Arrived

GUARD = [allow(*SUPERVISORS)]  # the API's TransferController
KINDS = ("locations", "skus", "stock")
MAX_BYTES = 5_000_000


@get("/admin/import", guards=GUARD, include_in_schema=False)
async def import_page(request: Request) -> Template:
    return page(request, "admin/import.html", kinds=KINDS)


@post("/admin/import", guards=GUARD, include_in_schema=False)
async def import_file(request: Request, conn: Conn, arrived: NamedDependency[Arrived]) -> Template:
    kind = (await form(request)).get("kind", "")
    upload = (await request.form()).get("file")
    if kind not in KINDS or not isinstance(upload, UploadFile):
        return page(request, "admin/import.html", 422, kinds=KINDS, refusal="choose what the file holds and the file")
    content = await upload.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        return page(request, "admin/import.html", 413, kinds=KINDS, refusal="the file is over 5 MB: split it")
    try:
        imported = await csv_files.import_csv(conn, kind, content, request.user.id, arrived)
    except Invalid as refused:
        return page(request, "admin/import.html", 422, kinds=KINDS, kind=kind, refusal=refused.detail,
                    lines=_beside(content, refused), filename=upload.filename)
    return page(request, "admin/import.html", kinds=KINDS, kind=kind, imported=imported, filename=upload.filename)


def _beside(content: bytes, refused: Invalid) -> list[tuple[int, str, list[str]]]:
    """(number, text, what is wrong with it) for each line of the file."""
    wrong: dict[int, list[str]] = {}
    for error in refused.errors:
        if found := re.match(r"line (\d+)(?:, column (.+))?", error.field):
            column = f"{found[2]}: " if found[2] else ""
            wrong.setdefault(int(found[1]), []).append(column + error.reason)
    text = content.decode("utf-8-sig", errors="replace")
    return [(n, line, wrong.get(n, [])) for n, line in enumerate(text.splitlines(), start=1)]
