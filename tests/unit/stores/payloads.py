"""Store payloads for the tests: the real samples, loaded as dicts to vary, and signing.

Shopify: samples/shopify-orders-create-1001.json (see samples/README.md for the source).
WooCommerce: samples/woocommerce-order-created.json, written from the "JSON response example"
of "Create an order" in WooCommerce's REST API v3 docs
(https://woocommerce.github.io/woocommerce-rest-api-docs/#create-an-order, source
woocommerce/woocommerce-rest-api-docs, source/includes/wp-api-v3/_orders.md), with a third,
downloadable line without a SKU, a customer note, shipping.phone (WooCommerce 5.6+) and the
extra fields a recent WooCommerce adds to the order object (payment_url, needs_processing, ...).
"""

import base64
import hashlib
import hmac
import json
from pathlib import Path

SHOPIFY_SAMPLE = Path(__file__).resolve().parent / "samples" / "shopify-orders-create-1001.json"
WOO_SAMPLE = Path(__file__).resolve().parent / "samples" / "woocommerce-order-created.json"


def shopify_order() -> dict:
    return json.loads(SHOPIFY_SAMPLE.read_bytes())


def woo_order() -> dict:
    return json.loads(WOO_SAMPLE.read_bytes())


def body(payload: dict) -> bytes:
    """JSON bytes; Python's json keeps integers exact at any size."""
    return json.dumps(payload).encode()


def sign(raw: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), raw, hashlib.sha256).digest()).decode()
