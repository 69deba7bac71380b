"""Each store's signature: base64(HMAC-SHA256(raw body, secret)) in its own header."""

import base64

import pytest

from server.orders.stores import shopify, woocommerce
from tests.unit.stores.payloads import body, shopify_order, sign, woo_order

SECRET = "hush-hush-secret"
STORES = [
    pytest.param(shopify, "X-Shopify-Hmac-Sha256", shopify_order, id="shopify"),
    pytest.param(woocommerce, "X-WC-Webhook-Signature", woo_order, id="woocommerce"),
]


@pytest.mark.parametrize(("store", "name", "sample"), STORES)
def test_the_right_secret_is_accepted(store, name, sample):
    raw = body(sample())
    assert store.verify(raw, {name: sign(raw, SECRET)}, SECRET)


@pytest.mark.parametrize(("store", "name", "sample"), STORES)
def test_header_names_are_case_insensitive(store, name, sample):
    raw = body(sample())
    assert store.verify(raw, {name.lower(): sign(raw, SECRET)}, SECRET)


@pytest.mark.parametrize(("store", "name", "sample"), STORES)
def test_a_tampered_body_is_refused(store, name, sample):
    raw = body(sample())
    tampered = raw.replace(b'"quantity": 1', b'"quantity": 9', 1)
    assert tampered != raw
    assert not store.verify(tampered, {name: sign(raw, SECRET)}, SECRET)


@pytest.mark.parametrize(("store", "name", "sample"), STORES)
def test_a_wrong_secret_is_refused(store, name, sample):
    raw = body(sample())
    assert not store.verify(raw, {name: sign(raw, "someone-elses-secret")}, SECRET)


@pytest.mark.parametrize(("store", "name", "sample"), STORES)
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Other": "x"},
        "empty",
        "not base64 !!",
        "hex",
        "truncated",
    ],
)
def test_a_missing_or_malformed_header_is_refused(store, name, sample, headers):
    raw = body(sample())
    good = sign(raw, SECRET)
    if isinstance(headers, str):
        value = {
            "empty": "",
            "not base64 !!": "not base64 !!",
            "hex": base64.b64decode(good).hex(),  # right digest, wrong encoding
            "truncated": good[:-4],
        }[headers]
        headers = {name: value}
    assert not store.verify(raw, headers, SECRET)


@pytest.mark.parametrize(("store", "name", "sample"), STORES)
def test_an_empty_secret_verifies_nothing(store, name, sample):
    raw = body(sample())
    assert not store.verify(raw, {name: sign(raw, "")}, "")
