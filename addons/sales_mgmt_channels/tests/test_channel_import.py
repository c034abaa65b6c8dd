import json

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.queue_job.tests.common import trap_jobs
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
        self.assertTrue(any("the body is not valid JSON: unexpected 'n' at character 2 of 9" in e for e in errors))
        self.assertTrue(any("Unknown currency XXX" in e for e in errors))

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

    def test_bad_input_matrix_in_one_batch(self):
        """Every bad payload fails alone with a clear error; the good ones of the batch are imported."""
        bad = {
            "missing id": order(id=None),
            "empty customer name": order(id="b2", customer={"name": "  "}),
            "wrong type": order(id="b3", lines=[{"id": "L1", "sku": "SKU-A", "quantity": [2], "unit_price": 1}]),
            "negative quantity": order(id="b4", lines=[{"id": "L1", "sku": "SKU-A", "quantity": -1, "unit_price": 1}]),
            "unknown currency": order(id="b5", currency="ZZZ"),
            "not a currency code": order(id="b5b", currency="euro"),
            "bad date": order(id="b6", updated_at="yesterday"),
            "1 MB name": order(id="b7", customer={"name": "x" * 1_000_000}),
            "duplicated line id": order(
                id="b8",
                lines=[
                    {"id": "L1", "sku": "SKU-A", "quantity": 1, "unit_price": 10},
                    {"id": "L1", "sku": "SKU-B", "quantity": 1, "unit_price": 5},
                ],
                total="19.50",
            ),
            "total off": order(id="b9", total="28.49"),
            "invalid JSON": '{"id": "b10", "lines": [',
            "not an object": "[1, 2]",
        }
        good = [
            order(id="g1", updated_at="2026/11/20 10:00:00"),
            order(id="g2", updated_at=1763632800, customer={"name": "<b>Eve</b><script>x()</script>", "id": "eve"}),
            order(id="g3", updated_at="2026-11-20T10:00:00-05:00", customer={"name": "Zoë", "id": "zoe"}),
        ]
        result = self._import(*bad.values(), *good)
        self.assertEqual((result["received"], result["done"], result["failed"]), (len(bad) + 3, 3, len(bad)))
        records = self._records()
        self.assertEqual(len(records), len(bad) + 3, "every payload is kept")
        errors = "\n".join(records.filtered(lambda r: r.state == "failed").mapped("error"))
        for expected in (
            "id is missing",
            "customer name is empty",
            "line 1 quantity must be a number",
            "line 1 quantity must be positive",
            "currency must be an ISO 4217 code",
            "currency 'ZZZ' is not an ISO 4217 currency",
            "updated_at is not a date and time",
            "customer name is longer than 1000 characters",
            "line 2 id 'L1' is duplicated",
            "difference",
            "the body is not complete JSON: it stops after character 24",
            "an order must be a JSON object",
        ):
            self.assertIn(expected, errors)
        eve = self.env["sale.order"].search([("channel_order_ref", "=", "g2")]).partner_id
        self.assertEqual(eve.name, "<b>Eve</b><script>x()</script>", "names are stored as received")
        times = self.env["sale.order"].search([("channel_order_ref", "in", ["g1", "g3"])], order="channel_order_ref")
        self.assertEqual([str(t.sm_channel_updated_at) for t in times], ["2026-11-20 10:00:00", "2026-11-20 15:00:00"])

    def test_refunded_after_delivery_returns_and_credits(self):
        self.product_a.is_storable = False
        self._import(order())
        sale = self.env["sale.order"].search([("channel_order_ref", "=", "1001")])
        picking = sale.picking_ids
        picking.move_ids.quantity = 2
        picking.move_ids.filtered(lambda m: m.product_id == self.product_b).quantity = 1
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        refunded = order(status="refunded", updated_at="2026-11-22T10:00:00Z")
        self._import(refunded)
        returns = sale.picking_ids - picking
        self.assertEqual(returns.picking_type_code, "incoming")
        self.assertEqual(sorted(returns.move_ids.mapped("product_uom_qty")), [1, 2])
        credit_note = self.env["account.move"].search(
            [("invoice_origin", "=", sale.name), ("move_type", "=", "out_refund")]
        )
        self.assertEqual((credit_note.state, credit_note.amount_total), ("draft", 24.0))
        self._import(order(status="refunded", updated_at="2026-11-23T10:00:00Z"))
        self.assertEqual(len(sale.picking_ids), 2, "a later version does not return it twice")

    def test_same_name_and_zip_is_proposed_for_merge_never_merged(self):
        address = {"street": "1 Main St", "city": "Springfield", "zip": "12345", "country_code": "US"}
        existing = self.env["res.partner"].create({"name": "Ann Buyer", "zip": "12345", "email": "ann@old.example"})
        self._import(order(customer={"name": "Ann Buyer", "email": "ann@new.example", "address": address}))
        new = self.env["sale.order"].search([("channel_order_ref", "=", "1001")]).partner_id
        self.assertNotEqual(new, existing)
        self.assertEqual(new.sm_possible_duplicate_ids, existing)
        self.assertEqual(new.activity_ids.summary, "Possible duplicate customer")
        action = new.action_sm_review_duplicates()
        self.assertEqual(action["res_model"], "base.partner.merge.automatic.wizard")
        wizard = self.env[action["res_model"]].with_context(**action["context"]).create({})
        self.assertEqual(wizard.partner_ids, new | existing, "Odoo's merge wizard opens with both")
        other = new.activity_schedule("mail.mail_activity_data_todo", summary="Call back")
        new.action_sm_dismiss_duplicates()
        self.assertFalse(new.sm_possible_duplicate_ids)
        self.assertEqual(new.activity_ids, other, "only the duplicate review is dismissed")

    def test_tax_included_prices(self):
        vat = self.env["account.tax"].create({"name": "VAT 25%", "amount": 25, "type_tax_use": "sale"})
        (self.product_a | self.product_b).taxes_id = vat
        self.channel.prices_include_tax = True
        # 2 x 12.50 - 1.25 and 1 x 6.25 tax included, shipping 4.50 without tax: 34.50.
        lines = [
            {"id": "L1", "sku": "SKU-A", "quantity": 2, "unit_price": "12.50", "discount": "1.25"},
            {"id": "L2", "sku": "SKU-B", "quantity": 1, "unit_price": "6.25"},
        ]
        result = self._import(order(lines=lines, total="34.50", tax="6.00"))
        self.assertEqual(result["done"], 1, self._records().error)
        sale = self.env["sale.order"].search([("channel_order_ref", "=", "1001")])
        self.assertEqual((sale.amount_untaxed, sale.amount_tax, sale.amount_total), (28.5, 6.0, 34.5))

    def test_integration_user_imports_and_nothing_else(self):
        self.assertEqual(self._import(order())["done"], 1)
        sale = self.env["sale.order"].search([("channel_order_ref", "=", "1001")])
        for model, operation in (("sale.order", "read"), ("sales.channel.import.run", "read")):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.integration).browse(sale.id).check_access(operation)
        with self.assertRaises(AccessError):
            self.channel.with_user(self.integration).action_sync()
        with self.assertRaises(AccessError):
            self.channel.with_user(self.integration).write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.integration).create({"name": "Not allowed"})

    def test_new_customers_get_the_channel_default_tier(self):
        gold = self.env.ref("sales_mgmt_core.customer_tier_gold")
        self.channel.default_tier_id = gold
        self._import(order())
        partner = self.env["sale.order"].search([("channel_order_ref", "=", "1001")]).partner_id
        self.assertEqual(partner.customer_tier_id, gold)

    def test_confirm_in_background(self):
        """Paid orders are created at once and confirmed by one queue job per batch; orders
        cancelled meanwhile stay cancelled."""
        self.channel.confirm_in_background = True
        Order = self.env["sale.order"]
        with trap_jobs() as trap:
            result = self._import(order(), order(id="1002"), order(id="1003", status="pending"))
            self.assertEqual(result["done"], 3)
            orders = Order.search([("channel_id", "=", self.channel.id)], order="channel_order_ref")
            self.assertEqual(orders.mapped("state"), ["draft"] * 3, "nothing confirmed before the job runs")
            self.assertEqual(orders.mapped("sm_channel_confirm_queued"), [True, True, False])
            trap.assert_jobs_count(1, only=self.channel._job_confirm_orders)
            trap.assert_enqueued_job(self.channel._job_confirm_orders, args=(orders[:2],))
            self._import(order(id="1002", status="cancelled", updated_at="2026-11-21T10:00:00Z"))
            trap.perform_enqueued_jobs()
        self.assertEqual(orders.mapped("state"), ["sale", "cancel", "draft"])
        self.assertFalse(any(orders.mapped("sm_channel_confirm_queued")))

    def test_background_confirmation_failure_is_shown_on_the_order(self):
        """An order the job cannot confirm (here its warehouse lost its delivery route) gets the
        error in its chatter and an activity; the other orders of the batch are confirmed."""
        self.channel.confirm_in_background = True
        broken = self.env["stock.warehouse"].create({"name": "No delivery", "code": "NODLV"})
        broken.delivery_route_id.rule_ids.active = False
        with trap_jobs() as trap:
            self._import(order(), order(id="1002"))
            orders = self.env["sale.order"].search([("channel_id", "=", self.channel.id)], order="channel_order_ref")
            orders[1].warehouse_id = broken  # a salesperson changed the quotation meanwhile
            trap.perform_enqueued_jobs()
        self.assertEqual(orders.mapped("state"), ["sale", "draft"])
        self.assertFalse(orders[1].sm_channel_confirm_queued)
        self.assertIn("could not be confirmed", orders[1].message_ids[0].body)
        activity = orders[1].activity_ids
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_warning"))
        self.assertEqual(activity.summary, "Confirm the paid channel order")

    def test_analytic_distribution_models_apply_to_imported_lines(self):
        """Imports skip Odoo's per-line analytic lookup only when the company has no model."""
        self._import(order(id="0999"))
        plain = self.env["sale.order"].search([("channel_order_ref", "=", "0999")])
        self.assertFalse(any(plain.order_line.mapped("analytic_distribution")))
        plan = self.env["account.analytic.plan"].create({"name": "Channels"})
        account = self.env["account.analytic.account"].create({"name": "Web shop", "plan_id": plan.id})
        self.env["account.analytic.distribution.model"].create(
            {"product_id": self.product_a.id, "analytic_distribution": {str(account.id): 100}}
        )
        self._import(order())
        sale = self.env["sale.order"].search([("channel_order_ref", "=", "1001")])
        line_a = sale.order_line.filtered(lambda line: line.product_id == self.product_a)
        self.assertEqual(line_a.analytic_distribution, {str(account.id): 100})
        self.assertFalse((sale.order_line - line_a).mapped("analytic_distribution")[0])
