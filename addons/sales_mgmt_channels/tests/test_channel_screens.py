"""What a user reads when something fails: readable names, one-line errors in lists, the payload
pretty-printed, failed imports and health on the channel, the webhook URL, Test connection."""

import json

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.sales_mgmt_core.tests.common import SalesMgmtCommon

from .stub_server import Answer, StubServer, ok
from .test_channel_recovery import WOO_PATH
from .test_normalise_unit import order


@tagged("post_install", "-at_install")
class TestChannelScreens(SalesMgmtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stub = StubServer().__enter__()
        cls.addClassCleanup(cls.stub.__exit__)
        cls.admin = new_test_user(cls.env, "sm_screens_admin", groups="sales_mgmt_channels.group_channel_admin")
        cls.integration = new_test_user(cls.env, "sm_screens_bot", groups="sales_mgmt_channels.group_channel_import")
        cls.channel = cls.env["sales.channel"].create({"name": "Screens JSON", "channel_type": "json"})
        cls.woo = cls.env["sales.channel"].create(
            {
                "name": "Screens Woo",
                "channel_type": "woocommerce",
                "base_url": cls.stub.url,
                "api_key": "ck",
                "api_secret": "cs_SECRET",
            }
        )

    def _failed_import(self):
        bad = order(id="R-7", lines=[{"id": "L1", "sku": "NOPE", "quantity": 1, "unit_price": 1}], total=1)
        self.channel.with_user(self.integration).import_orders([bad])
        return self.env["sales.channel.import.record"].search([("channel_id", "=", self.channel.id)])

    def test_names_errors_and_payload_read_well(self):
        record = self._failed_import()
        self.assertEqual(record.display_name, "Screens JSON R-7")
        self.assertTrue(record.run_id.display_name.startswith("Screens JSON "), record.run_id.display_name)
        record.sudo().error = "first line\nsecond line"
        self.assertEqual(record.error_summary, "first line …")
        self.assertEqual(json.loads(record.payload_pretty), json.loads(record.payload))
        self.assertIn('\n  "id": "R-7"', record.payload_pretty, "indented")

    def test_channel_shows_failed_imports_health_and_webhook_url(self):
        channel = self.channel.with_user(self.admin)
        self.assertEqual(channel.health_state, "none")
        self._failed_import()
        channel.invalidate_recordset()
        self.assertEqual((channel.failed_import_count, channel.health_state), (1, "warning"))
        action = channel.action_view_failed_imports()
        self.assertEqual(self.env[action["res_model"]].search(action["domain"]).external_ref, "R-7")
        self.assertTrue(channel.webhook_url.endswith(f"/sales_mgmt/channel/{channel.id}/orders"))
        self.stub.script("GET", WOO_PATH, [Answer(401, b'{"code":"woocommerce_rest_cannot_view"}')])
        self.woo.with_user(self.admin).action_sync()
        self.woo.invalidate_recordset()
        self.assertEqual(self.woo.health_state, "error")
        self.assertIn("HTTP 401", self.woo.last_error)
        self.assertNotIn("cs_SECRET", self.woo.last_error)
        # Trial defect 4: a later pull that goes well clears the error (a webhook run would not)
        self.channel.with_user(self.integration).import_orders([order(id="R-9", tax=0)])
        self.woo.invalidate_recordset()
        self.assertIn("HTTP 401", self.woo.last_error)
        self.stub.script("GET", WOO_PATH, [ok([], **{"X-WP-TotalPages": 0})])
        self.woo.with_user(self.admin).action_sync()
        self.woo.invalidate_recordset()
        self.assertEqual((self.woo.health_state, self.woo.last_error), ("ok", False))

    def test_test_connection_per_marketplace_type(self):
        self.stub.script("GET", WOO_PATH, [ok([{"id": 1}], **{"X-WP-Total": 42})])
        action = self.woo.with_user(self.admin).action_test_connection()
        self.assertIn("42", action["params"]["message"])
        self.stub.script("GET", WOO_PATH, [Answer(401, b'{"code":"woocommerce_rest_cannot_view"}')])
        with self.assertRaisesRegex(UserError, "connection to Screens Woo failed"):
            self.woo.with_user(self.admin).action_test_connection()
        with self.assertRaisesRegex(UserError, "no connection to test"):
            self.channel.with_user(self.admin).action_test_connection()

    def test_only_channel_administrators_test_connections_and_read_imports(self):
        for user in (self.integration, self.user_salesman):
            with self.assertRaises(AccessError):
                self.woo.with_user(user).action_test_connection()
        self._failed_import()
        with self.assertRaises(AccessError):
            self.env["sales.channel.import.record"].with_user(self.integration).search([])
        records = (
            self.env["sales.channel.import.record"].with_user(self.admin).search([("channel_id", "=", self.channel.id)])
        )
        self.assertEqual(records.error_summary, records.error)
