"""The registry the endpoint looks stores up in, and each store's delivery id header."""

from server.orders.stores import STORES, shopify, woocommerce


def test_the_registry_names_each_store_module():
    assert STORES == {"shopify": shopify, "woocommerce": woocommerce}
    for name, store in STORES.items():
        assert store.NAME == name
        for function in ("is_ping", "verify", "delivery_id", "to_order"):
            assert callable(getattr(store, function))


def test_delivery_ids_come_from_each_stores_header_in_any_case():
    assert shopify.delivery_id({"X-Shopify-Webhook-Id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"}) == (
        "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"
    )
    assert shopify.delivery_id({"x-shopify-webhook-id": "abc"}) == "abc"
    assert woocommerce.delivery_id({"X-WC-Webhook-Delivery-ID": "d41d8cd98f00"}) == "d41d8cd98f00"
    assert woocommerce.delivery_id({"x-wc-webhook-delivery-id": "d41d8cd98f00"}) == "d41d8cd98f00"


def test_no_header_no_delivery_id():
    assert shopify.delivery_id({}) is None
    assert woocommerce.delivery_id({"X-WC-Webhook-Delivery-ID": " "}) is None
