import copy
import json
from datetime import timedelta

from odoo import fields, models
from odoo.tools.misc import file_open

#: Documented payloads the demo imports (tests/data/SOURCES.md says where each one comes from).
DATA = "sales_mgmt_channels/tests/data/"
#: Taobao trades: paid and waiting to ship, finished (shipped), waiting for the buyer to pay.
DEMO_TAOBAO_TIDS = ("289749893209214687", "289749893209214689", "289749893209214690")
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

    def _demo_payloads(self):
        """The documented payloads for this channel's type, dated in the last days."""
        self.ensure_one()
        now = fields.Datetime.now()
        if self.channel_type == "taobao":
            with file_open(DATA + "taobao_trades_documented.json") as file:
                trades = {
                    tid: answer["trade_fullinfo_get_response"]["trade"] for tid, answer in json.load(file).items()
                }
            payloads = [copy.deepcopy(trades[tid]) for tid in DEMO_TAOBAO_TIDS]
            unknown = copy.deepcopy(trades[DEMO_TAOBAO_TIDS[-1]])
            tid, code = DEMO_TAOBAO_UNKNOWN
            unknown.update(tid=int(tid), tid_str=tid)
            unknown["orders"]["order"][0].update(outer_iid=code, oid=tid + "1", oid_str=tid + "1")
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
