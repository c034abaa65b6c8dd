from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestChannelsTour(HttpCase):
    def test_admin_retries_a_failed_import(self):
        new_test_user(self.env, "ch_tour_admin", groups="sales_mgmt_channels.group_channel_admin")
        channel = self.env["sales.channel"].create({"name": "Tour shop", "channel_type": "json"})
        product = self.env["product.product"].create(
            {"name": "Tour mug", "type": "consu", "default_code": "MUG-T", "taxes_id": [Command.clear()]}
        )
        payload = {
            "id": "TOUR-1",
            "updated_at": "2026-11-20T10:00:00Z",
            "status": "pending",
            "currency": self.env.company.currency_id.name,
            "customer": {"name": "Tour buyer", "email": "tour.buyer@example.com"},
            "lines": [{"id": "1", "sku": "TOUR-SKU", "quantity": 1, "unit_price": 9}],
            "total": 9,
        }
        self.assertEqual(channel.import_orders([payload])["failed"], 1)
        self.env["sales.channel.product.map"].create(
            {"channel_id": channel.id, "sku": "TOUR-SKU", "product_id": product.id}
        )
        self.start_tour(
            "/odoo/action-sales_mgmt_channels.sales_channel_import_record_action",
            "sales_mgmt_channels_tour",
            login="ch_tour_admin",
        )
        record = self.env["sales.channel.import.record"].search([("external_ref", "=", "TOUR-1")])
        self.assertEqual(record.state, "done")
