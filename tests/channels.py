"""Helpers for channel tests: a channel made through the service, and its headers."""

from schema.channels import ChannelCreate, ChannelCredentials
from server.orders import channels

ADDRESS = {"name": "Ada Lovelace", "line1": "12 St James's Square", "city": "London", "postal_code": "SW1Y 4JH", "country": "GB"}


async def make_channel(conn, name: str = "webshop", kind: str = "api", store_secret: str | None = None, **settings) -> ChannelCredentials:
    return await channels.create_channel(conn, ChannelCreate(name=name, kind=kind, store_secret=store_secret, **settings))


def key(credentials: ChannelCredentials, idempotency_key: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {credentials.api_key}"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    return headers


def order(external_id: str = "WEB-1001", **fields) -> dict:
    return {"external_id": external_id, "ship_to": ADDRESS, "lines": [{"sku": "APPLE", "quantity": 2}]} | fields
