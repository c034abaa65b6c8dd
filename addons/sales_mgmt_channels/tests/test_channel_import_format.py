"""Trial round 2, findings 2 and 4: import_orders takes normalised orders — a marketplace's own order
sent to it fails with one message naming the format (not a list of missing normalised fields, and
never Python's 'None'); import records and runs are created by the pipeline only, not from the UI."""

import json

from lxml import etree

from odoo.tests import BaseCase, new_test_user, tagged

from odoo.addons.sales_mgmt_core.tests.common import SalesMgmtCommon

from ..tools.normalise import PayloadError, parse_order
from .stub_server import fixture
from .test_normalise_unit import order


@tagged("post_install", "-at_install")
class TestNothingShownAsNone(BaseCase):
    def test_absent_values_are_nothing(self):
        with self.assertRaises(PayloadError) as caught:
            parse_order(order(status=None, currency=None))
        message = str(caught.exception)
        self.assertIn(
            "status must be one of pending, paid, shipped, received, cancelled, refunded (got nothing)", message
        )
        self.assertIn("currency must be an ISO 4217 code like 'EUR' (got nothing)", message)
        self.assertNotIn("None", message)


@tagged("post_install", "-at_install")
class TestImportOrdersFormat(SalesMgmtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.integration = new_test_user(cls.env, "sm_fmt_bot", groups="sales_mgmt_channels.group_channel_import")
        cls.admin = new_test_user(cls.env, "sm_fmt_admin", groups="sales_mgmt_channels.group_channel_admin")
        Channel = cls.env["sales.channel"]
        cls.shopify = Channel.create({"name": "Shopify US", "channel_type": "shopify"})
        cls.feed = Channel.create({"name": "JSON feed", "channel_type": "json"})
        cls.shopify_order = fixture("shopify_orders_documented.json")["data"]["orders"]["nodes"][0]

    def _failed_record(self, channel, payload):
        result = channel.with_user(self.integration).with_context(lang="en_US").import_orders([payload])
        self.assertEqual(result["failed"], 1)
        return self.env["sales.channel.import.run"].browse(result["run_id"]).record_ids

    def test_a_shopify_order_sent_to_import_orders_names_the_format(self):
        record = self._failed_record(self.shopify, json.dumps(self.shopify_order))
        self.assertEqual(
            record.error,
            "this is a Shopify order, not a normalised one: import_orders and the webhook take orders in the "
            "normalised JSON format (id, updated_at, status, currency, customer, lines, total; see the module's "
            "README). Shopify orders come in through the channel's pulls (Pull Orders Now, or the scheduled pull).",
        )
        self.assertNotIn("None", record.error)

    def test_something_else_altogether(self):
        record = self._failed_record(self.feed, {"order_no": "A-1", "items": []})
        self.assertTrue(record.error.startswith("this is not an order in the normalised JSON format"), record.error)
        # A normalised order with mistakes still lists them, field by field.
        record = self._failed_record(self.feed, order(currency=None))
        self.assertEqual(record.error, "currency must be an ISO 4217 code like 'EUR' (got nothing)")

    def test_no_new_button_on_imported_orders_and_runs(self):
        for model in ("sales.channel.import.record", "sales.channel.import.run"):
            views = (
                self.env[model].with_user(self.admin).get_views([(False, "list"), (False, "kanban"), (False, "form")])
            )
            for view_type, view in views["views"].items():
                root = etree.fromstring(view["arch"])
                self.assertIn(root.get("create"), ("0", "false", "False"), f"{model} {view_type}: no New button")
