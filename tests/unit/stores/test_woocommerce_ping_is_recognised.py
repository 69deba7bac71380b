"""WooCommerce's unsigned `webhook_id=N` ping on webhook creation; Shopify has none."""

import pytest

from server.orders.stores import shopify, woocommerce
from tests.unit.stores.payloads import body, shopify_order, woo_order

PING_HEADERS = {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "WooCommerce/8.9.1 Hookshot"}


@pytest.mark.parametrize("raw", [b"webhook_id=12", b"webhook_id=7\n"])
def test_the_ping_is_recognised(raw):
    assert woocommerce.is_ping(raw, PING_HEADERS)


@pytest.mark.parametrize("raw", [body(woo_order()), b"webhook_id=", b"webhook_id=12&x=1", b"", b"{}"])
def test_anything_else_is_not_a_ping(raw):
    assert not woocommerce.is_ping(raw, {})


def test_shopify_never_pings():
    assert not shopify.is_ping(b"webhook_id=12", {})
    assert not shopify.is_ping(body(shopify_order()), {})
