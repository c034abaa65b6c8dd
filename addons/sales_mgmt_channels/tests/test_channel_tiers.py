from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.sales_mgmt_core.tests.common import SalesMgmtOrderCommon


@tagged("post_install", "-at_install")
class TestChannelTiers(SalesMgmtOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shop = cls.env["sales.channel"].create({"name": "Tmall", "channel_type": "taobao"})
        cls.web = cls.env["sales.channel"].create({"name": "Web", "channel_type": "website"})
        # Channel VIPs: easier than Gold, but only for customers who bought on Tmall.
        cls.tmall_tier = cls.env["sales.customer.tier"].create(
            {"name": "Tmall Star", "sequence": 15, "min_revenue": 100, "channel_ids": [Command.set(cls.shop.ids)]}
        )
        cls.tmall_buyer = cls.env["res.partner"].create({"name": "Tmall Buyer"})
        cls.web_buyer = cls.env["res.partner"].create({"name": "Web Buyer"})
        for partner, channel in ((cls.tmall_buyer, cls.shop), (cls.web_buyer, cls.web)):
            order = cls._order(partner, 150)
            order.channel_id = channel

    def test_channel_filter_on_tiers(self):
        self.env["sales.customer.segmentation"]._recompute(self.company)
        self.assertEqual(self.tmall_buyer.customer_tier_id, self.tmall_tier)
        self.assertNotEqual(self.web_buyer.customer_tier_id, self.tmall_tier)

    def test_channel_restriction_keeps_later_tiers_reachable(self):
        # Restricted to Tmall, "Tmall Star" (before Gold, asking less) leaves Gold reachable;
        # without the restriction it would swallow Gold's customers.
        with self.assertRaisesRegex(ValidationError, "never be reached"), self.env.cr.savepoint():
            self.tmall_tier.channel_ids = [Command.clear()]

    def test_channel_order_imported_once(self):
        order = self._order(self.web_buyer, 10, confirm=False)
        order.write({"channel_id": self.shop.id, "channel_order_ref": "T-1001"})
        other = self._order(self.web_buyer, 10, confirm=False)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            other.write({"channel_id": self.shop.id, "channel_order_ref": "T-1001"})
            other.flush_recordset()
