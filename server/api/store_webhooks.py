"""Store webhooks in: authenticated by the store's HMAC signature, not by a bearer token."""

from typing import Literal

from litestar import Request, Response, post
from litestar.params import FromPath

from server import store_webhooks
from server.api.common import Conn


@post(
    "/api/v1/channels/{channel:str}/{store:str}/orders",
    operation_id="receiveStoreOrderWebhook",
    summary="A Shopify orders/create or WooCommerce order.created webhook, verified by its signature",
    tags=["orders"],
    opt={"exclude_from_auth": True},
)
async def receive_store_order(
    request: Request, conn: Conn, channel: FromPath[str], store: FromPath[Literal["shopify", "woocommerce"]]
) -> Response[store_webhooks.StoreOrderResult]:
    status, body = await store_webhooks.receive(conn, channel, store, await request.body(), request.headers)
    return Response(body, status_code=status, media_type="application/json")
