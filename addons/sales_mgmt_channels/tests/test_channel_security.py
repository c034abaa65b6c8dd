from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.sales_mgmt_core.tests.common import SalesMgmtCommon


@tagged("post_install", "-at_install")
class TestChannelSecurity(SalesMgmtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_channel_admin = new_test_user(
            cls.env, "sm_channel_admin", groups="sales_mgmt_channels.group_channel_admin"
        )
        cls.user_integration = new_test_user(
            cls.env, "sm_integration", groups="sales_mgmt_channels.group_channel_import"
        )
        cls.channel = cls.env["sales.channel"].create(
            {"name": "Shopify EU", "channel_type": "shopify", "api_key": "k-123", "api_secret": "s-456"}
        )

    def test_admin_reads_and_writes_credentials(self):
        channel = self.channel.with_user(self.user_channel_admin)
        self.assertEqual(channel.api_secret, "s-456")
        channel.api_secret = "s-789"
        self.assertEqual(self.channel.api_secret, "s-789")

    def test_salesman_cannot_read_credentials(self):
        channel = self.channel.with_user(self.user_salesman)
        self.assertEqual(channel.name, "Shopify EU")
        with self.assertRaises(AccessError):
            channel.read(["api_secret"])
        with self.assertRaises(AccessError):
            channel.write({"name": "Renamed"})

    def test_integration_user_cannot_read_credentials_or_edit(self):
        channel = self.channel.with_user(self.user_integration)
        with self.assertRaises(AccessError):
            channel.read(["api_key"])
        with self.assertRaises(AccessError):
            self.env["sales.channel"].with_user(self.user_integration).create({"name": "Mine"})

    def test_internal_user_sees_no_channel(self):
        with self.assertRaises(AccessError):
            self.env["sales.channel"].with_user(self.user_internal).search([])
