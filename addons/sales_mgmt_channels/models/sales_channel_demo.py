"""Demo data: the channels' documented orders imported through the real pipeline. The Taobao trades
are copies of TOP's documented ones (tests/data/SOURCES.md) in which only values change (a tea shop's
titles, prices and quantities instead of TOP's 0.01 test listings); the tests use the documented ones."""

import copy
import json
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools.misc import file_open

#: Documented payloads the demo imports (tests/data/SOURCES.md says where each one comes from).
DATA = "sales_mgmt_channels/tests/data/"
#: Taobao trades: paid and waiting to ship, finished (shipped), waiting for the buyer to pay.
DEMO_TAOBAO_TIDS = ("289749893209214687", "289749893209214689", "289749893209214690")
#: TOP's documented trades are ¥0.01 test listings ("请不要拍", "please don't buy"): the demo copies
#: them with a tea shop's titles, prices and quantities. Only values change, never the fields: every
#: key below must already be in the documented trade or sub-order (``_demo_values`` checks it), and
#: every money field agrees (sub-order total_fee = price x num - discount_fee + adjust_fee; payment
#: and divide_order_fee what the buyer paid of it; trade total_fee = sum of price x num, discount_fee
#: the sub-orders' discounts, payment = what the buyer paid + post_fee). The tests keep the documented
#: values (tests/data/taobao_trades_documented.json).
LONGJING = "西湖龙井 明前特级 250g 礼盒装"
CADDY = "青花瓷茶叶罐 密封防潮 小号"
DEMO_TAOBAO_VALUES = {
    # paid, to ship: two gift boxes and a caddy, free shipping
    "289749893209214687": (
        {"payment": "575.00", "total_fee": "575.00", "post_fee": "0.00", "discount_fee": "0.00"},
        [
            {
                "title": LONGJING,
                "num": 2,
                "price": "268.00",
                "total_fee": "536.00",
                "payment": "536.00",
                "divide_order_fee": "536.00",
                "discount_fee": "0.00",
                "adjust_fee": "0.00",
            },
            {
                "title": CADDY,
                "num": 1,
                "price": "39.00",
                "total_fee": "39.00",
                "payment": "39.00",
                "divide_order_fee": "39.00",
                "discount_fee": "0.00",
                "adjust_fee": "0.00",
            },
        ],
    ),
    # finished: a gift box 5 % off (a shop promotion; Odoo's discount is a percentage) and two caddies
    "289749893209214689": (
        {"payment": "332.60", "total_fee": "346.00", "post_fee": "0.00", "discount_fee": "13.40"},
        [
            {
                "title": LONGJING,
                "num": 1,
                "price": "268.00",
                "total_fee": "254.60",
                "payment": "254.60",
                "divide_order_fee": "254.60",
                "discount_fee": "13.40",
                "adjust_fee": "0.00",
            },
            {
                "title": CADDY,
                "num": 2,
                "price": "39.00",
                "total_fee": "78.00",
                "payment": "78.00",
                "divide_order_fee": "78.00",
                "discount_fee": "0.00",
                "adjust_fee": "0.00",
            },
        ],
    ),
    # waiting for the buyer to pay: one gift box, ¥10 postage included in the sub-order's payment
    "289749893209214690": (
        {"payment": "278.00", "total_fee": "268.00", "post_fee": "10.00", "discount_fee": "0.00"},
        [
            {
                "title": LONGJING,
                "num": 1,
                "price": "268.00",
                "total_fee": "268.00",
                "payment": "278.00",
                "discount_fee": "0.00",
                "adjust_fee": "0.00",
            },
        ],
    ),
}
#: zh_CN names of the demo products (Taobao titles are Chinese; so are the products for a Chinese reader).
DEMO_CHINESE_NAMES = {
    "product_product_demo_jhjl001": "西湖龙井礼盒 250克",
    "product_product_demo_jhjl003": "青花瓷茶叶罐",
    "product_product_demo_channel_shipping": "渠道运费",
}
#: The failed copy's item: a white tea no product has.
DEMO_TAOBAO_UNKNOWN_TITLE = "福鼎白茶 白毫银针 100g"
#: Shopify orders in USD: #1002 (paid, shipped) and 1073459963 (custom items without SKU, which no
#: product or mapping matches: it fails, as it would in a real shop).
DEMO_SHOPIFY_IDS = ("1073459972", "1073459963")
#: #1002 copied as a paid order still to ship (new id and name, no fulfilment).
DEMO_SHOPIFY_COPY = ("1073459972", "1073459979", "#1004")
#: Shopify's fixtures name 1073459963 "#1002" too: the demo calls it #1006, to tell the records apart.
DEMO_SHOPIFY_NAMES = {"1073459963": "#1006"}
#: The Taobao trade copied with an item code that no product has (fails with "unknown SKU").
DEMO_TAOBAO_UNKNOWN = ("289749893209214693", "JHJL002")


class SalesChannel(models.Model):
    """Demo data: the channels' documented orders imported through the real pipeline."""

    _inherit = "sales.channel"  # pylint: disable=consider-merging-classes-inherited

    def _demo_import(self):
        """Import the documented orders of these Taobao and Shopify channels as the pull stores them
        (store the channel's own payloads, then process them), failures included; returns the runs.

        Called by the demo data; dates are moved to the last days so that the orders show in
        this month's figures."""
        runs = self.env["sales.channel.import.run"]
        for channel in self:
            payloads = channel._demo_payloads()
            if not payloads:
                continue
            run, records = channel._store_payloads(payloads, "api", source_format=channel.channel_type)
            channel._process_records(records, run=run)
            runs |= run
        return runs

    @api.model
    def _demo_chinese_names(self):
        """Chinese names of the demo tea shop's products, when Chinese (Simplified) is active."""
        if not self.env["res.lang"]._get_code("zh_CN"):
            return
        for xmlid, name in DEMO_CHINESE_NAMES.items():
            product = self.env.ref(f"sales_mgmt_channels.{xmlid}", raise_if_not_found=False)
            if product:
                product.product_tmpl_id.update_field_translations("name", {"zh_CN": name})

    def _demo_payloads(self):
        """The documented payloads for this channel's type, dated in the last days."""
        self.ensure_one()
        now = fields.Datetime.now()
        if self.channel_type == "taobao":
            with file_open(DATA + "taobao_trades_documented.json") as file:
                trades = {
                    tid: answer["trade_fullinfo_get_response"]["trade"] for tid, answer in json.load(file).items()
                }
            payloads = [_demo_values(copy.deepcopy(trades[tid]), *DEMO_TAOBAO_VALUES[tid]) for tid in DEMO_TAOBAO_TIDS]
            unknown = copy.deepcopy(payloads[-1])
            tid, code = DEMO_TAOBAO_UNKNOWN
            unknown.update(tid=int(tid), tid_str=tid)
            unknown["orders"]["order"][0].update(
                outer_iid=code, oid=tid + "1", oid_str=tid + "1", title=DEMO_TAOBAO_UNKNOWN_TITLE
            )
            payloads.append(unknown)
            for days, trade in enumerate(reversed(payloads), start=1):
                # China time (UTC+8), as Taobao sends it
                moment = now + timedelta(hours=8) - timedelta(days=days)
                for key in ("created", "pay_time", "modified", "consign_time"):
                    if trade.get(key):
                        trade[key] = fields.Datetime.to_string(
                            moment + timedelta(minutes=10 if key == "modified" else 0)
                        )
            return payloads
        if self.channel_type == "shopify":
            with file_open(DATA + "shopify_orders_documented.json") as file:
                nodes = {n["legacyResourceId"]: n for n in json.load(file)["data"]["orders"]["nodes"]}
            payloads = [copy.deepcopy(nodes[ref]) for ref in DEMO_SHOPIFY_IDS]
            for node in payloads:
                node["name"] = DEMO_SHOPIFY_NAMES.get(node["legacyResourceId"], node["name"])
            source, ref, name = DEMO_SHOPIFY_COPY
            to_ship = copy.deepcopy(nodes[source])
            to_ship.update(
                id=f"gid://shopify/Order/{ref}",
                legacyResourceId=ref,
                name=name,
                displayFulfillmentStatus="UNFULFILLED",
                fulfillments=[],
            )
            payloads.insert(1, to_ship)
            for days, node in enumerate(payloads, start=2):
                moment = (now - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
                node.update(createdAt=moment, updatedAt=moment)
            return payloads
        return []


def _demo_values(trade, values, sub_orders):
    """``trade`` with the demo's ``values`` and those of its sub-orders (in order), and each
    ``logistics_info``'s ``need_consign_num`` = its sub-order's ``num``: values only, the fields stay
    TOP's (a key the documented trade lacks is a mistake here, not a field to add)."""

    def overwrite(target, new):
        unknown = set(new) - set(target)
        if unknown:
            raise KeyError(f"not a field of the documented trade: {sorted(unknown)}")
        target.update(new)

    overwrite(trade, values)
    orders = trade["orders"]["order"]
    if len(orders) != len(sub_orders):
        raise ValueError("one set of demo values per documented sub-order")
    for order, new in zip(orders, sub_orders, strict=True):
        overwrite(order, new)
    nums = {order["outer_iid"]: order["num"] for order in orders}
    for info in trade.get("logistics_infos", {}).get("logistics_info", []):
        if info.get("item_code") in nums:
            info["need_consign_num"] = nums[info["item_code"]]
    return trade
