import json

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.sales_mgmt_core.tests.common import SalesMgmtCommon

from .test_normalise_unit import order


@tagged("post_install", "-at_install")
class TestChannelImport(SalesMgmtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.integration = new_test_user(cls.env, "sm_import_bot", groups="sales_mgmt_channels.group_channel_import")
        cls.env.company.country_id = cls.env.ref("base.us")
        Product = cls.env["product.product"]
        cls.product_a = Product.create(
            {"name": "A", "type": "consu", "default_code": "SKU-A", "list_price": 10, "taxes_id": [Command.clear()]}
        )
        cls.product_b = Product.create(
            {"name": "B", "type": "consu", "barcode": "SKU-B", "list_price": 5, "taxes_id": [Command.clear()]}
        )
        cls.shipping = Product.create({"name": "Shipping", "type": "service", "taxes_id": [Command.clear()]})
        cls.channel = cls.env["sales.channel"].create(
            {"name": "Web shop import", "channel_type": "json", "shipping_product_id": cls.shipping.id}
        )

    def _import(self, *payloads, user=None):
        return self.channel.with_user(user or self.integration).import_orders(list(payloads))

    def _records(self):
        return self.env["sales.channel.import.record"].search([("channel_id", "=", self.channel.id)])

    def test_import_once_with_lines_discounts_shipping(self):
        result = self._import(order())
        self.assertEqual((result["done"], result["failed"]), (1, 0))
        sale = self.env["sale.order"].search([("channel_id", "=", self.channel.id), ("channel_order_ref", "=", "1001")])
        self.assertEqual(sale.amount_total, 28.5)
        self.assertEqual(sale.state, "sale", "paid orders are confirmed through the approval flow")
        self.assertEqual(sorted(sale.order_line.mapped("channel_line_ref")), ["L1", "L2", "shipping"])
        self.assertEqual(sale.partner_id.email, "ann@example.com")
        # The same payload again, and an older version: nothing new.
        again = self._import(order(), order(updated_at="2026-11-01T00:00:00Z"))
        self.assertEqual((again["done"], again["skipped"]), (0, 2))
        self.assertEqual(self.env["sale.order"].search_count([("channel_id", "=", self.channel.id)]), 1)
        self.assertEqual(len(self._records()), 3, "every payload received is kept")

    def test_one_customer_per_person(self):
        existing = self.env["res.partner"].create({"name": "Ann", "email": "ann@example.com"})
        self._import(order())
        self.assertEqual(self.env["sale.order"].search([("channel_order_ref", "=", "1001")]).partner_id, existing)
        identity = self.env["sales.channel.identity"].search([("buyer_ref", "=", "buyer-1")])
        self.assertEqual(identity.partner_id, existing)
        # Same buyer id, new e-mail: still the identity's customer. Phone in another format: matched too.
        self._import(order(id="1002", customer={"id": "buyer-1", "name": "Ann B.", "email": "new@example.com"}))
        by_phone = self.env["res.partner"].create({"name": "Bo", "phone": "+1 415 555 0199"})
        self._import(order(id="1003", customer={"name": "Bo", "phone": "(415) 555-0199"}))
        refs = self.env["sale.order"].search([("channel_id", "=", self.channel.id)])
        self.assertEqual(refs.filtered(lambda o: o.channel_order_ref == "1002").partner_id, existing)
        self.assertEqual(refs.filtered(lambda o: o.channel_order_ref == "1003").partner_id, by_phone)

    def test_delivery_addresses_deduplicated(self):
        address = {"name": "Ann", "street": "1 Main St", "city": "Springfield", "zip": "12345", "country_code": "US"}
        self._import(order(shipping_address=address), order(id="1002", shipping_address=address))
        orders = self.env["sale.order"].search([("channel_id", "=", self.channel.id)])
        self.assertEqual(len(orders.partner_shipping_id), 1)
        self.assertEqual(orders.partner_shipping_id.type, "delivery")
        self.assertEqual(orders.partner_shipping_id.parent_id, orders.partner_id)

    def test_unknown_sku_fails_then_retry_after_mapping(self):
        bad = order(lines=[{"id": "L1", "sku": "NOPE", "quantity": 1, "unit_price": 24}])
        result = self._import(bad, order(id="1002"))
        self.assertEqual((result["done"], result["failed"]), (1, 1), "the other order of the batch is imported")
        record = self._records().filtered(lambda r: r.external_ref == "1001")
        self.assertIn("Unknown SKU NOPE", record.error)
        self.assertFalse(self.env["product.product"].search([("default_code", "=", "NOPE")]), "no product created")
        self.env["sales.channel.product.map"].create(
            {"channel_id": self.channel.id, "sku": "NOPE", "product_id": self.product_a.id}
        )
        record.action_retry()
        self.assertEqual(record.state, "done")
        self.assertEqual(record.order_id.amount_total, 28.5)

    def test_bad_payloads_fail_with_clear_errors(self):
        result = self._import(order(total="99"), "{not json", order(id="1002", currency="XXX"), order(id="1003"))
        self.assertEqual((result["done"], result["failed"]), (1, 3))
        errors = self._records().filtered(lambda r: r.state == "failed").mapped("error")
        self.assertTrue(any("does not match" in e and "difference" in e for e in errors))
        self.assertTrue(any("invalid JSON" in e for e in errors))
        self.assertTrue(any("Unknown or inactive currency XXX" in e for e in errors))

    def test_cancelled_later(self):
        self._import(order(status="pending"))
        sale = self.env["sale.order"].search([("channel_order_ref", "=", "1001")])
        self.assertEqual(sale.state, "draft")
        self._import(order(status="cancelled", updated_at="2026-11-21T10:00:00Z"))
        self.assertEqual(sale.state, "cancel")

    def test_access(self):
        with self.assertRaises(AccessError):
            self._import(order(), user=self.user_salesman)
        with self.assertRaises(AccessError):
            self.env["sales.channel.import.record"].with_user(self.integration).search([])
        self.assertEqual(self._import(json.dumps(order()))["done"], 1)
