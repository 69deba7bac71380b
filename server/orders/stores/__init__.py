"""Store adapters: a Shopify or WooCommerce order webhook mapped to an order (mapping.py holds
what both share; receive.py checks the signature and places the order)."""

from server.orders.stores import shopify, woocommerce
from server.orders.stores.mapping import StoreMapping

STORES: dict[str, StoreMapping] = {"shopify": shopify, "woocommerce": woocommerce}
