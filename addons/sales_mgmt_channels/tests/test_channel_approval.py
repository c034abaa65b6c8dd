"""Channel orders and the approval of sales_mgmt_core (issue: trustworthy core)."""

import base64

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.sales_mgmt_core.tests.common import SalesMgmtCommon

from .test_normalise_unit import order


@tagged("post_install", "-at_install")
class TestChannelApproval(SalesMgmtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.integration = new_test_user(cls.env, "sm_import_appr", groups="sales_mgmt_channels.group_channel_import")
        Product = cls.env["product.product"]
        Product.create({"name": "A", "type": "consu", "default_code": "SKU-A", "taxes_id": []})
        Product.create({"name": "B", "type": "consu", "barcode": "SKU-B", "taxes_id": []})
        shipping = Product.create({"name": "Shipping", "type": "service", "taxes_id": []})
        cls.channel = cls.env["sales.channel"].create(
            {"name": "Approval shop", "channel_type": "json", "shipping_product_id": shipping.id}
        )
        cls.buyer = cls.env["res.partner"].create({"name": "Ann", "email": "ann@example.com"})
        cls.buyer.with_company(cls.env.company).write({"credit_limit": 1.0, "sm_credit_block": True})
        cls.other_company = cls.env["res.company"].create({"name": "Other Shop Co"})
        cls.foreign_channel = cls.env["sales.channel"].create(
            {"name": "Foreign shop", "channel_type": "json", "company_id": cls.other_company.id}
        )

    def _sale(self, ref):
        return self.env["sale.order"].search([("channel_id", "=", self.channel.id), ("channel_order_ref", "=", ref)])

    def test_paid_orders_skip_the_credit_check_unpaid_do_not(self):
        """The platform collected the money: a blocked customer over their limit still gets
        their paid order confirmed; the same customer's order confirmed by hand is held."""
        result = self.channel.with_user(self.integration).import_orders([order()])
        self.assertEqual(result["done"], 1)
        sale = self._sale("1001")
        self.assertEqual((sale.partner_id, sale.state, sale.sm_channel_paid), (self.buyer, "sale", True))
        pending = self.channel.with_user(self.integration).import_orders([order(id="1002", status="pending")])
        self.assertEqual(pending["done"], 1)
        unpaid = self._sale("1002")
        self.assertFalse(unpaid.sm_channel_paid)
        unpaid.action_confirm()
        self.assertEqual((unpaid.state, unpaid.approval_state), ("draft", "pending"))
        # paid later: confirmed
        self.channel.with_user(self.integration).import_orders(
            [order(id="1002", status="paid", updated_at="2026-11-21T10:00:00Z")]
        )
        self.assertEqual(unpaid.state, "sale")

    def test_nobody_marks_an_order_paid_by_hand(self):
        sale = self.env["sale.order"].create({"partner_id": self.buyer.id, "user_id": self.user_salesman.id})
        with self.assertRaises(AccessError):
            sale.with_user(self.user_salesman).write({"sm_channel_paid": True})
        with self.assertRaises(AccessError):
            self.env["sale.order"].with_user(self.user_salesman).create(
                {"partner_id": self.buyer.id, "sm_channel_paid": True}
            )

    def test_integration_user_cannot_import_into_another_company(self):
        """``browse(id).import_orders`` used to switch to sudo before checking the company."""
        Record = self.env["sales.channel.import.record"]
        before = Record.search_count([])
        with self.assertRaises(AccessError):
            self.env["sales.channel"].with_user(self.integration).browse(self.foreign_channel.id).import_orders(
                [order()]
            )
        wizard = (
            self.env["sales.channel.file.import.wizard"]
            .with_user(self.integration)
            .create(
                {
                    "channel_id": self.foreign_channel.id,
                    "file": base64.b64encode(b"order_id,sku,quantity,unit_price,total\n1,SKU-A,1,10,10\n"),
                    "filename": "orders.csv",
                }
            )
        )
        with self.assertRaises(AccessError):
            wizard.action_import()
        self.assertEqual(Record.search_count([]), before, "nothing stored for the other company")
