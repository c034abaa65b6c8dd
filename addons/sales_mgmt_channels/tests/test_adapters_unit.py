"""The Shopify, WooCommerce and Taobao adapters and the HTTP client against a stub server on
127.0.0.1 replaying realistic pages, with a 429, a 500, an empty page and a truncated body
(no database, no internet)."""

import base64
import json
from datetime import datetime
from decimal import Decimal
from urllib.parse import parse_qs

from odoo.tests import BaseCase, tagged

from ..adapters import ChannelConfig, Fulfilment, ShopifyAdapter, TaobaoAdapter, WooCommerceAdapter
from ..adapters.base import AdapterError
from ..adapters.taobao import sign, windows
from ..tools.http_client import ChannelHTTPError, HttpClient, UnreadableBody
from ..tools.normalise import parse_order
from .stub_server import Answer, StubServer, fixture, ok, truncated

SHOPIFY_PATH = "/admin/api/2025-10/graphql.json"
SINCE, UNTIL = datetime(2026, 11, 19), datetime(2026, 11, 22)


class StubCase(BaseCase):
    def setUp(self):
        super().setUp()
        self.stub = StubServer().__enter__()
        self.addCleanup(self.stub.__exit__)
        self.waits = []

    def client(self, **kwargs):
        return HttpClient(secrets=["tok-SECRET", "ck_key", "cs_SECRET", "tb-secret"], sleep=self.waits.append, **kwargs)


@tagged("post_install", "-at_install")
class TestHttpClient(StubCase):
    def test_retries_429_with_retry_after_then_5xx_with_backoff(self):
        self.stub.script("GET", "/x", [Answer(429, b"slow down", {"Retry-After": "2"}), Answer(503), ok({"a": 1})])
        body, _response = self.client(backoff=0.5).request_json("GET", self.stub.url + "/x")
        self.assertEqual(body, {"a": 1})
        self.assertEqual(self.waits[0], 2.0, "Retry-After is honoured")
        self.assertTrue(0 <= self.waits[1] <= 1.0, "second retry: jittered backoff within 0.5 * 2")
        self.assertEqual(len(self.stub.calls()), 3)

    def test_truncated_json_is_retried(self):
        self.stub.script("GET", "/x", [truncated({"orders": [1, 2, 3]}), ok({"orders": [1, 2, 3]})])
        body, _response = self.client().request_json("GET", self.stub.url + "/x")
        self.assertEqual(body["orders"], [1, 2, 3])

    def test_unreadable_body_is_kept_whole(self):
        body = json.dumps({"orders": ["x" * 500]}).encode()[:-3]
        self.stub.script("GET", "/x", [Answer(200, body)])
        with self.assertRaises(UnreadableBody) as caught:
            self.client(retries=1).request_json("GET", self.stub.url + "/x")
        self.assertEqual(caught.exception.raw, body.decode(), "the body as received, not cut at 300 characters")
        self.assertEqual(caught.exception.status, 200)
        message = str(caught.exception)
        self.assertIn(
            f"the body is not complete JSON: it stops after character {len(body)}, inside the text begun at "
            "character 13 (cut off?) (same answer 2 times)",
            message,
        )
        self.assertNotIn("Unterminated", message, "no Python exception text")

    def test_gives_up_with_a_message_without_credentials(self):
        self.stub.script("GET", "/x", [Answer(500, b'{"error": "token tok-SECRET broken"}')])
        with self.assertRaises(ChannelHTTPError) as caught:
            self.client(retries=2).request("GET", self.stub.url + "/x?access_token=tok-SECRET")
        message = str(caught.exception)
        self.assertIn("HTTP 500 after 3 attempts", message)
        self.assertNotIn("tok-SECRET", message)
        self.assertEqual(caught.exception.status, 500)

    def test_client_errors_are_not_retried(self):
        self.stub.script("GET", "/x", [Answer(401, b'{"errors": "Invalid API key"}')])
        with self.assertRaises(ChannelHTTPError) as caught:
            self.client().request("GET", self.stub.url + "/x")
        self.assertEqual(caught.exception.status, 401)
        self.assertEqual(len(self.stub.calls()), 1)

    def test_connection_refused_is_retried_then_reported(self):
        client = self.client(retries=1, timeout=0.5)
        with self.assertRaises(ChannelHTTPError) as caught:
            client.request("GET", "http://127.0.0.1:9/nothing")
        self.assertIn("ConnectionError after 2 attempts", str(caught.exception))


@tagged("post_install", "-at_install")
class TestShopify(StubCase):
    def adapter(self):
        config = ChannelConfig(base_url=self.stub.url, access_token="tok-SECRET", page_size=2)
        return ShopifyAdapter(config, self.client())

    def test_pages_cursor_filter_throttle_and_retries(self):
        self.stub.script(
            "POST",
            SHOPIFY_PATH,
            [
                Answer(429, b"", {"Retry-After": "1.0"}),
                ok(fixture("shopify_orders_page1.json")),
                Answer(500, b"Internal Server Error"),
                ok(fixture("shopify_throttled.json")),
                ok(fixture("shopify_orders_page2.json")),
            ],
        )
        pages = list(self.adapter().fetch(SINCE, UNTIL))
        self.assertEqual([len(p) for p in pages], [2, 1])
        calls = [json.loads(c["body"]) for c in self.stub.calls("POST")]
        self.assertEqual(self.stub.calls()[0]["headers"]["X-Shopify-Access-Token"], "tok-SECRET")
        first, last = calls[1]["variables"], calls[-1]["variables"]
        self.assertEqual(first["query"], "updated_at:>='2026-11-19T00:00:00Z' AND updated_at:<='2026-11-22T00:00:00Z'")
        self.assertIsNone(first["after"])
        self.assertEqual(last["after"], "eyJsYXN0X2lkIjo1MDAyfQ==", "page 2 asked after page 1's end cursor")
        # 429 Retry-After; page 1 left 150 of the 252 points the query costs → wait 1.02 s at 100/s;
        # the 500's backoff; THROTTLED with 52 points available → 2 s.
        self.assertEqual(self.waits[0], 1.0)
        self.assertAlmostEqual(self.waits[1], 1.02)
        self.assertAlmostEqual(self.waits[-1], 2.0)

    def test_normalised_orders_are_valid(self):
        adapter = self.adapter()
        nodes = fixture("shopify_orders_page1.json")["data"]["orders"]["nodes"]
        nodes += fixture("shopify_orders_page2.json")["data"]["orders"]["nodes"]
        orders = [parse_order(adapter.normalise(node)) for node in nodes]
        self.assertEqual([o.ref for o in orders], ["5001", "5002", "5003"])
        self.assertEqual([o.status for o in orders], ["paid", "paid", "pending"])
        self.assertEqual(str(orders[1].total), "27.00")
        self.assertEqual(orders[1].lines[1].discount, 1.5)
        self.assertEqual(orders[0].customer.ref, "gid://shopify/Customer/701")
        self.assertEqual(orders[2].customer.ref, "", "a guest checkout has no buyer id: matched by e-mail")
        self.assertEqual(orders[2].customer.email, "guest@example.com")
        self.assertEqual(orders[0].shipping_address.state_code, "CA")

    def test_empty_result(self):
        empty = fixture("shopify_orders_page2.json")
        empty["data"]["orders"]["nodes"] = []
        self.stub.script("POST", SHOPIFY_PATH, [ok(empty)])
        self.assertEqual(list(self.adapter().fetch(None, UNTIL)), [])
        query = json.loads(self.stub.calls()[0]["body"])["variables"]["query"]
        self.assertEqual(query, "updated_at:<='2026-11-22T00:00:00Z'")

    def test_graphql_errors_are_reported(self):
        self.stub.script("POST", SHOPIFY_PATH, [ok({"errors": [{"message": "Field 'foo' doesn't exist"}]})])
        with self.assertRaisesRegex(AdapterError, "Field 'foo' doesn't exist"):
            list(self.adapter().fetch(SINCE, UNTIL))

    def test_push_fulfilment(self):
        self.stub.script(
            "POST",
            SHOPIFY_PATH,
            [ok(fixture("shopify_fulfillment_orders.json")), ok(fixture("shopify_fulfillment_create.json"))],
        )
        result = self.adapter().push_fulfilment("5001", Fulfilment("UPS", "1Z999AA10123456784"))
        self.assertEqual(result["status"], "SUCCESS")
        query, mutation = (json.loads(c["body"]) for c in self.stub.calls())
        self.assertEqual(query["variables"]["id"], "gid://shopify/Order/5001")
        fulfilment = mutation["variables"]["fulfillment"]
        self.assertEqual(
            fulfilment["lineItemsByFulfillmentOrder"], [{"fulfillmentOrderId": "gid://shopify/FulfillmentOrder/9001"}]
        )
        self.assertEqual(fulfilment["trackingInfo"], {"number": "1Z999AA10123456784", "company": "UPS"})


@tagged("post_install", "-at_install")
class TestWooCommerce(StubCase):
    path = "/wp-json/wc/v3/orders"

    def adapter(self):
        config = ChannelConfig(base_url=self.stub.url + "/", api_key="ck_key", api_secret="cs_SECRET", page_size=2)
        return WooCommerceAdapter(config, self.client())

    def test_pages_auth_and_modified_after(self):
        self.stub.script(
            "GET",
            self.path,
            [
                ok(fixture("woocommerce_orders_page1.json"), **{"X-WP-Total": 3, "X-WP-TotalPages": 2}),
                Answer(502, b"<html>Bad Gateway</html>"),
                truncated(fixture("woocommerce_orders_page2.json")),
                ok(fixture("woocommerce_orders_page2.json"), **{"X-WP-Total": 3, "X-WP-TotalPages": 2}),
            ],
        )
        pages = list(self.adapter().fetch(SINCE, UNTIL))
        self.assertEqual([[o["id"] for o in p] for p in pages], [[801, 802], [803]])
        calls = self.stub.calls()
        self.assertEqual(len(calls), 4, "stops at X-WP-TotalPages without asking for an empty page")
        self.assertEqual(calls[0]["query"]["modified_after"], "2026-11-19T00:00:00Z")
        self.assertEqual((calls[0]["query"]["page"], calls[-1]["query"]["page"]), ("1", "2"))
        self.assertEqual(calls[0]["query"]["per_page"], "2")
        auth = base64.b64decode(calls[0]["headers"]["Authorization"].split()[1]).decode()
        self.assertEqual(auth, "ck_key:cs_SECRET")

    def test_empty_page_ends(self):
        self.stub.script("GET", self.path, [ok([])])
        self.assertEqual(list(self.adapter().fetch(SINCE, UNTIL)), [])

    def test_normalised_orders_are_valid(self):
        adapter = self.adapter()
        raw = fixture("woocommerce_orders_page1.json") + fixture("woocommerce_orders_page2.json")
        orders = [parse_order(adapter.normalise(o)) for o in raw]
        self.assertEqual([o.status for o in orders], ["paid", "paid", "cancelled"])
        self.assertEqual(str(orders[0].lines[0].unit_price), "10.000000")
        self.assertEqual(orders[0].lines[0].discount, 2)
        self.assertEqual(orders[0].tax, Decimal("2.20"))
        self.assertEqual(orders[0].customer.ref, "31")
        self.assertEqual(orders[1].customer.ref, "", "guest orders (customer_id 0) have no buyer id")
        self.assertEqual(orders[0].updated_at, datetime(2026, 11, 20, 9, 0))

    def test_push_fulfilment(self):
        self.stub.script("PUT", self.path + "/801", [ok({"id": 801, "status": "completed"})])
        self.stub.script("POST", self.path + "/801/notes", [ok({"id": 1, "note": "Shipped"})])
        result = self.adapter().push_fulfilment("801", Fulfilment("DHL", "JD014600003828"))
        self.assertEqual(result, {"status": "completed"})
        note = json.loads(self.stub.calls("POST")[0]["body"])
        self.assertEqual(note, {"note": "Shipped with DHL, tracking number JD014600003828.", "customer_note": True})


@tagged("post_install", "-at_install")
class TestTaobao(StubCase):
    def adapter(self, page_size=2):
        config = ChannelConfig(
            base_url=self.stub.url + "/router/rest",
            api_key="12345678",
            api_secret="tb-secret",
            access_token="6100e23657fb0b2d0c78568e55a3031134be9a3a5d4b3a365753805",
            page_size=page_size,
        )
        return TaobaoAdapter(config, self.client(), now=lambda: datetime(2026, 11, 22, 4, 0).astimezone())

    def test_signature(self):
        params = {"method": "taobao.trade.fullinfo.get", "app_key": "12345678", "v": "2.0", "tid": 1}
        self.assertEqual(sign(params, "secret"), sign(dict(reversed(list(params.items()))), "secret"))
        self.assertEqual(len(sign(params, "secret", "hmac")), 32)
        self.assertNotEqual(sign(params, "secret"), sign(params, "other"))

    def test_windows_are_at_most_one_day(self):
        cut = list(windows(datetime(2026, 11, 19, 12), datetime(2026, 11, 22)))
        self.assertEqual(len(cut), 3)
        self.assertTrue(all(end - start <= (datetime(2, 1, 2) - datetime(2, 1, 1)) for start, end in cut))
        self.assertEqual((cut[0][0], cut[-1][1]), (datetime(2026, 11, 19, 12), datetime(2026, 11, 22)))

    def _top(self, request):
        """Answer like the TOP gateway: check the signature, page the increment list, give full trades."""
        params = {k: v[0] for k, v in parse_qs(request["body"].decode()).items()}
        if params.get("sign") != sign(params, "tb-secret", params.get("sign_method", "md5")):
            return Answer(200, {"error_response": {"code": 25, "msg": "Invalid signature"}})
        if params["method"] == "taobao.trades.sold.increment.get":
            trades = [
                {"tid": 3301, "status": "WAIT_SELLER_SEND_GOODS", "modified": "2026-11-20 18:00:00"},
                {"tid": 3302, "status": "WAIT_SELLER_SEND_GOODS", "modified": "2026-11-20 19:00:00"},
                {"tid": 3303, "status": "WAIT_SELLER_SEND_GOODS", "modified": "2026-11-20 20:30:00"},
            ]
            start = (int(params["page_no"]) - 1) * int(params["page_size"])
            page = trades[start : start + int(params["page_size"])]
            body = {"total_results": len(trades), "has_next": False, "trades": {"trade": page}}
            return Answer(200, {"trades_sold_increment_get_response": body})
        return Answer(200, fixture("taobao_fullinfo.json")[params["tid"]])

    def test_walks_pages_backwards_and_retries_call_limits(self):
        limited = Answer(
            200,
            {
                "error_response": {
                    "code": 7,
                    "msg": "App Call Limited",
                    "sub_code": "accesscontrol.limited-by-app-access-count",
                }
            },
        )
        self.stub.script("POST", "/router/rest", [limited, Answer(callback=self._top)])
        pages = list(self.adapter().fetch(datetime(2026, 11, 20, 8), datetime(2026, 11, 20, 16)))
        self.assertEqual([[t["tid"] for t in p] for p in pages], [[3303], [3301, 3302]], "last page first")
        calls = [{k: v[0] for k, v in parse_qs(c["body"].decode()).items()} for c in self.stub.calls()]
        increments = [c for c in calls if c["method"] == "taobao.trades.sold.increment.get"]
        self.assertEqual(
            [c["page_no"] for c in increments], ["1", "1", "2"], "count (after the retry), then last → first"
        )
        self.assertEqual(increments[1]["start_modified"], "2026-11-20 16:00:00", "TOP times are China time")
        self.assertEqual(increments[1]["end_modified"], "2026-11-21 00:00:00")
        self.assertEqual(len(self.waits), 1)

    def test_normalised_trade(self):
        trade = fixture("taobao_fullinfo.json")["3301"]["trade_fullinfo_get_response"]["trade"]
        order = parse_order(self.adapter().normalise(trade), prices_include_tax=True)
        self.assertEqual((order.ref, order.currency, order.status), ("3301", "CNY", "paid"))
        self.assertEqual([line.sku for line in order.lines], ["TB-A", "TB-B"])
        self.assertEqual(str(order.total), "208.00")
        self.assertEqual(order.updated_at, datetime(2026, 11, 20, 10, 0), "China time → UTC")
        self.assertEqual(order.customer.ref, "AAH1xYz")
        self.assertEqual(order.shipping_address.city, "杭州市")

    def test_refused_call_says_why_without_secrets(self):
        self.stub.script(
            "POST",
            "/router/rest",
            [ok({"error_response": {"code": 27, "msg": "Invalid session", "sub_msg": "SessionKey非法"}})],
        )
        with self.assertRaises(AdapterError) as caught:
            list(self.adapter().fetch(datetime(2026, 11, 20, 8), datetime(2026, 11, 20, 16)))
        self.assertIn("Invalid session", str(caught.exception))
        self.assertNotIn("tb-secret", str(caught.exception))
