"""The adapters on the platforms' own documented payloads (tests/data/SOURCES.md says where each
comes from): currencies, taxes, statuses, fulfilments, masked buyers, structural errors and bad
pages. No database; HTTP goes to a stub server on 127.0.0.1."""

import json
from datetime import datetime
from decimal import Decimal
from urllib.parse import parse_qs

from odoo.tests import tagged

from odoo.addons.sales_mgmt_core.tools.messages import render

from ..adapters import ChannelConfig, ShopifyAdapter, TaobaoAdapter, WooCommerceAdapter
from ..adapters.base import BadPage
from ..adapters.taobao import BUYER_NAME, sign
from ..tools.http_client import UnreadableBody
from ..tools.normalise import PayloadError, is_masked, parse_order
from .stub_server import Answer, fixture, ok
from .test_adapters_unit import SHOPIFY_PATH, SINCE, UNTIL, StubCase

BROKEN = b'{"data": {"orders": {"nodes": [{"id": "gid://shopify/Order/1", "name": "#1'


def shopify_nodes():
    return {n["legacyResourceId"]: n for n in fixture("shopify_orders_documented.json")["data"]["orders"]["nodes"]}


def woo_orders():
    return {o["id"]: o for o in fixture("woocommerce_orders_documented.json")}


def taobao_trades():
    return {
        int(k): v["trade_fullinfo_get_response"]["trade"] for k, v in fixture("taobao_trades_documented.json").items()
    }


@tagged("post_install", "-at_install")
class TestShopifyDocumented(StubCase):
    def adapter(self, **options):
        config = ChannelConfig(base_url=self.stub.url, access_token="tok-SECRET", page_size=50, **options)
        return ShopifyAdapter(config, self.client(retries=1))

    def test_buyer_currency_is_imported_as_sent(self):
        order = parse_order(self.adapter().normalise(shopify_nodes()["450789470"]))
        self.assertEqual((order.currency, order.total, order.tax), ("CNY", Decimal("4459.75"), Decimal("256.50")))
        self.assertEqual([line.unit_price for line in order.lines], [Decimal("1425.00")] * 3)
        self.assertEqual(
            [line.discount for line in order.lines], [Decimal("23.92"), Decimal("23.92"), Decimal("23.91")]
        )
        self.assertEqual(order.computed_total(), order.total, "the buyer's amounts add up exactly")
        self.assertEqual(order.total_tolerance, 0)

    def test_shop_currency_option_uses_shop_money_and_a_tolerance(self):
        node = shopify_nodes()["450789470"]
        order = parse_order(self.adapter(use_shop_currency=True).normalise(node))
        self.assertEqual((order.currency, order.total), ("USD", Decimal("621.57")))
        self.assertEqual(order.computed_total(), Decimal("621.59"), "Shopify converts each field on its own")
        self.assertEqual(order.total_tolerance, Decimal("0.08"), "3 units, 3 discounts, 1 shipping line, 1 tax")
        raw = self.adapter(use_shop_currency=True).normalise(node)
        raw["total_tolerance"] = "0"
        with self.assertRaisesRegex(PayloadError, r"difference -0\.02"):
            parse_order(raw)
        same = parse_order(self.adapter(use_shop_currency=True).normalise(shopify_nodes()["450789469"]))
        self.assertEqual(same.total_tolerance, 0, "no conversion when the buyer paid in the shop currency")

    def test_statuses_taxes_and_fulfilments(self):
        orders = {ref: parse_order(self.adapter().normalise(node)) for ref, node in shopify_nodes().items()}
        statuses = {ref: order.status for ref, order in orders.items()}
        self.assertEqual(
            statuses,
            {
                "450789469": "shipped",  # PARTIALLY_REFUNDED + PARTIALLY_FULFILLED
                "450789470": "paid",
                "1073459963": "paid",
                "1073459972": "shipped",  # FULFILLED
                "1073459977": "paid",
                "1073459978": "paid",
            },
        )
        shipped = orders["450789469"].fulfilments
        self.assertEqual((shipped[0].carrier, shipped[0].tracking_ref), ("USPS", "1Z1234512345123456"))
        self.assertEqual(shipped[0].lines, {"gid://shopify/LineItem/466157049": Decimal(1)})
        county = orders["1073459963"]
        self.assertEqual(
            [(t.rate, t.amount) for t in county.tax_lines], [(6, Decimal("10.20")), (Decimal("2.5"), Decimal("4.25"))]
        )
        self.assertEqual(county.lines[0].tax_rates, [6, Decimal("2.5")])
        self.assertEqual(
            county.lines[0].sku, "custom:Red Leather Coat", "a custom item keeps a key the product map can map"
        )
        self.assertEqual(county.customer.name, "Shopify buyer of #1002", "an order without customer or e-mail imports")

    def test_taxes_included_comes_from_the_order(self):
        node = shopify_nodes()["1073459977"]
        order = parse_order(self.adapter().normalise(node), prices_include_tax=False)
        self.assertTrue(order.prices_include_tax)
        self.assertEqual((order.total, order.tax), (Decimal("224.97"), Decimal("12.73")))
        excluded = parse_order(self.adapter().normalise(shopify_nodes()["1073459963"]), prices_include_tax=True)
        self.assertIs(excluded.prices_include_tax, False, "a channel setting cannot make a correct order fail")

    def test_status_table(self):
        for financial, fulfilment, cancelled, expected in (
            ("PENDING", "UNFULFILLED", None, "pending"),
            ("AUTHORIZED", "UNFULFILLED", None, "pending"),
            ("PARTIALLY_PAID", "UNFULFILLED", None, "pending"),
            ("PAID", "UNFULFILLED", None, "paid"),
            ("PAID", "PARTIALLY_FULFILLED", None, "shipped"),
            ("PAID", "RESTOCKED", None, "paid"),
            ("REFUNDED", "FULFILLED", "2026-01-01T00:00:00Z", "refunded"),
            ("VOIDED", "UNFULFILLED", None, "cancelled"),
            ("PAID", "UNFULFILLED", "2026-01-01T00:00:00Z", "cancelled"),
        ):
            raw = {
                "displayFinancialStatus": financial,
                "displayFulfillmentStatus": fulfilment,
                "cancelledAt": cancelled,
            }
            self.assertEqual(ShopifyAdapter.status(raw), expected, (financial, fulfilment, cancelled))

    def test_unreadable_page_stops_cursor_paging_and_is_kept(self):
        self.stub.script("POST", SHOPIFY_PATH, [Answer(200, BROKEN)])
        pages = list(self.adapter().fetch(SINCE, UNTIL))
        self.assertEqual(len(pages), 1)
        bad = pages[0]
        self.assertIsInstance(bad, BadPage)
        self.assertEqual((bad.raw, bad.status, bad.resumable), (BROKEN.decode(), 200, False))
        self.assertEqual(bad.request["variables"]["after"], None)
        self.assertNotIn("tok-SECRET", json.dumps(bad.request) + render(bad.error))
        self.stub.script("POST", SHOPIFY_PATH, [ok(fixture("shopify_orders_documented.json"))])
        self.assertEqual(len(self.adapter().refetch(bad.request)), 6, "Retry fetches the same request again")

    def test_structural_errors_name_the_field(self):
        node = dict(shopify_nodes()["450789469"], lineItems={"nodes": {"id": "x"}})
        with self.assertRaisesRegex(
            PayloadError, r"lineItems must be a connection with a list of nodes \(got an object\)"
        ):
            self.adapter().normalise(node)
        with self.assertRaisesRegex(PayloadError, r"customer must be an object \(got text\)"):
            self.adapter().normalise(dict(node, customer="Bob"))

    def test_connection(self):
        self.stub.script("POST", SHOPIFY_PATH, [ok({"data": {"shop": {"name": "Snowdevil", "currencyCode": "USD"}}})])
        self.assertEqual(render(self.adapter().test_connection()), "Connected to the Shopify shop Snowdevil (USD).")


@tagged("post_install", "-at_install")
class TestWooCommerceDocumented(StubCase):
    path = "/wp-json/wc/v3/orders"

    def adapter(self):
        config = ChannelConfig(base_url=self.stub.url, api_key="ck_key", api_secret="cs_SECRET", page_size=2)
        return WooCommerceAdapter(config, self.client(retries=1))

    def test_line_amounts_are_tax_exclusive_whatever_the_channel_setting(self):
        orders = woo_orders()
        for channel_includes in (False, True):
            order = parse_order(self.adapter().normalise(orders[727]), prices_include_tax=channel_includes)
            self.assertEqual(
                (order.total, order.tax, order.prices_include_tax), (Decimal("29.35"), Decimal("1.35"), False)
            )
        shown_with_tax = parse_order(self.adapter().normalise(orders[728]), prices_include_tax=False)
        self.assertTrue(shown_with_tax.prices_include_tax)
        self.assertEqual([line.unit_price for line in shown_with_tax.lines], [Decimal("3.225"), Decimal("12.9")])
        self.assertEqual(shown_with_tax.total, Decimal("29.35"))

    def test_tax_lines_and_rates(self):
        derived = parse_order(self.adapter().normalise(woo_orders()[727]))
        self.assertEqual(
            [(t.rate, t.amount, t.name, t.ref) for t in derived.tax_lines],
            [(Decimal("7.5"), Decimal("1.35"), "State Tax", "75")],
        )
        self.assertEqual(
            [(line.tax_rates, line.tax) for line in derived.lines],
            [([Decimal("7.5")], Decimal("0.45")), ([Decimal("7.5")], Decimal("0.90"))],
        )
        stated = parse_order(self.adapter().normalise(woo_orders()[731]))
        self.assertEqual(stated.tax_lines[0].rate, Decimal("7.5"), "rate_percent when WooCommerce sends it")

    def test_statuses_and_fulfilments(self):
        orders = {ref: parse_order(self.adapter().normalise(raw)) for ref, raw in woo_orders().items()}
        self.assertEqual(
            {ref: o.status for ref, o in orders.items()},
            {727: "paid", 723: "shipped", 728: "paid", 729: "pending", 731: "paid", 732: "paid"},
        )
        self.assertEqual(orders[723].fulfilments[0].lines, {}, "completed: everything shipped")
        self.assertEqual(orders[723].fulfilments[0].shipped_at, datetime(2017, 3, 21, 19, 54, 51))
        for status in ("pending", "on-hold", "failed", "checkout-draft"):
            self.assertEqual(self.adapter().normalise(dict(woo_orders()[727], status=status))["status"], "pending")
        self.assertEqual(self.adapter().normalise(dict(woo_orders()[727], status="refunded"))["status"], "refunded")
        self.assertEqual(self.adapter().normalise(dict(woo_orders()[727], status="cancelled"))["status"], "cancelled")

    def test_line_items_object_is_a_structural_error(self):
        with self.assertRaises(PayloadError) as caught:
            self.adapter().normalise(fixture("woocommerce_order_line_items_object.json"))
        self.assertEqual(str(caught.exception), "line_items must be a list of objects (got an object)")

    def test_unreadable_page_is_kept_and_later_pages_fetched(self):
        page1, page3 = list(woo_orders().values())[:2], list(woo_orders().values())[2:4]
        broken = json.dumps(page1).encode()[:-40]
        self.stub.script(
            "GET",
            self.path,
            [
                ok(page1, **{"X-WP-TotalPages": 3}),
                Answer(200, broken),
                Answer(200, broken),
                ok(page3, **{"X-WP-TotalPages": 3}),
            ],
        )
        pages = list(self.adapter().fetch(SINCE, UNTIL))
        self.assertEqual(len(pages), 3)
        self.assertEqual([o["id"] for o in pages[0]], [727, 723])
        self.assertIsInstance(pages[1], BadPage)
        self.assertEqual(
            (pages[1].raw, pages[1].resumable, pages[1].request["params"]["page"]), (broken.decode(), True, 2)
        )
        self.assertNotIn("cs_SECRET", json.dumps(pages[1].request))
        self.assertEqual([o["id"] for o in pages[2]], [728, 729], "page 3 is still fetched")
        self.assertEqual(len(self.adapter().refetch(pages[1].request)), 2, "Retry asks for page 2 again")
        self.assertEqual(self.stub.calls()[-1]["query"]["page"], "2")

    def test_connection(self):
        self.stub.script("GET", self.path, [ok([woo_orders()[727]], **{"X-WP-Total": 42})])
        self.assertEqual(render(self.adapter().test_connection()), "Connected to WooCommerce: 42 orders in the shop.")


@tagged("post_install", "-at_install")
class TestTaobaoDocumented(StubCase):
    def adapter(self):
        config = ChannelConfig(
            base_url=self.stub.url + "/router/rest",
            api_key="12345678",
            api_secret="tb-secret",
            access_token="sess-SECRET",
        )
        return TaobaoAdapter(config, self.client(retries=1), now=lambda: datetime(2026, 11, 22, 4, 0).astimezone())

    def orders(self):
        return {
            tid: parse_order(self.adapter().normalise(trade), prices_include_tax=False)
            for tid, trade in taobao_trades().items()
        }

    def test_statuses_taxes_and_fulfilments(self):
        orders = self.orders()
        self.assertEqual(
            [orders[tid].status for tid in sorted(orders)],
            ["paid", "shipped", "received", "pending", "refunded", "cancelled"],
        )
        self.assertTrue(all(order.prices_include_tax for order in orders.values()), "Taobao prices include VAT")
        parcel = orders[289749893209214688].fulfilments
        self.assertEqual(
            [(f.carrier, f.tracking_ref, f.lines) for f in parcel],
            [("中通快递", "73100000000001", {"289749893210214687": 1})],
        )
        self.assertEqual(parcel[0].shipped_at, datetime(2026, 11, 21, 6, 30), "China time -> UTC")
        single = orders[289749893209214690]
        self.assertEqual(
            (single.lines[0].unit_price, single.lines[0].discount, single.shipping), (Decimal("200.07"), 0, 10)
        )

    def test_masked_receiver_stays_on_the_delivery_address(self):
        order = self.orders()[289749893209214687]
        self.assertTrue(order.customer.masked)
        self.assertEqual(
            (order.customer.name, order.customer.ref), (f"{BUYER_NAME} wSFu0XXX", "AAHk5d-EAAeGwJedwSFu0XXX")
        )
        for value in (order.customer.name, order.customer.phone, order.customer.email):
            self.assertFalse(is_masked(value), value)
        delivery = order.shipping_address
        self.assertEqual((delivery.name, delivery.phone, delivery.masked), ("刘**", "*******0002", True))
        self.assertEqual(delivery.oaid, "1nLVx0Rx1KbFFDzoe7SgsO1dqUnWKRR0ms1lhsWlEmH0")
        readable = self.orders()[289749893209214690]
        self.assertEqual((readable.customer.name, readable.customer.masked), ("tb_buyer_01", False))

    def _top(self, request):
        params = {k: v[0] for k, v in parse_qs(request["body"].decode()).items()}
        if params.get("sign") != sign(params, "tb-secret", params.get("sign_method", "md5")):
            return Answer(200, {"error_response": {"code": 25, "msg": "Invalid signature"}})
        if params["method"] == "taobao.trades.sold.increment.get":
            if params["start_modified"].startswith("2026-11-20"):
                return Answer(200, b'{"trades_sold_increment_get_response": {"total_res')
            trades = [{"tid": tid} for tid in sorted(taobao_trades())[:3]]
            return Answer(
                200, {"trades_sold_increment_get_response": {"total_results": 3, "trades": {"trade": trades}}}
            )
        if params["tid"] == "289749893209214688":
            return Answer(200, b'{"trade_fullinfo_get_response": {"trade": {"tid": 2897')
        return Answer(200, fixture("taobao_trades_documented.json")[params["tid"]])

    def test_unreadable_pages_are_kept_and_the_walk_goes_on(self):
        self.stub.script("POST", "/router/rest", [Answer(callback=self._top)])
        pages = list(self.adapter().fetch(datetime(2026, 11, 19, 16), datetime(2026, 11, 21, 16)))
        window, trades, trade = pages
        self.assertIsInstance(window, BadPage)
        self.assertEqual(
            (window.request["start_modified"], window.request["whole_window"]), ("2026-11-20 00:00:00", True)
        )
        self.assertEqual(
            [t["tid"] for t in trades], [289749893209214687, 289749893209214689], "the next window is fetched"
        )
        self.assertEqual((trade.request["tid"], trade.resumable), (289749893209214688, True))
        self.assertTrue(trade.raw.startswith('{"trade_fullinfo_get_response"'))
        for bad in (window, trade):
            self.assertNotIn("SECRET", json.dumps(bad.request))
            self.assertNotIn("sign", bad.request)
        with self.assertRaises(UnreadableBody):
            self.adapter().refetch(trade.request)  # still unreadable: the pipeline keeps it
        with self.assertRaises(UnreadableBody):
            self.adapter().refetch(window.request)
        refetched = self.adapter().refetch(dict(trade.request, tid=289749893209214687))
        self.assertEqual([t["tid"] for t in refetched], [289749893209214687])
