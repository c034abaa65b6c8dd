from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import SalesMgmtCommon


@tagged("post_install", "-at_install")
class TestCustomerTier(SalesMgmtCommon):
    def test_default_tiers_shipped(self):
        names = self.env["sales.customer.tier"].search([]).mapped("name")
        self.assertEqual(names[:4], ["VIP", "Gold", "Regular", "Newcomer"])

    def test_negative_threshold_rejected(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.env["sales.customer.tier"].create({"name": "Bad", "min_revenue": -5})

    def test_unreachable_tier_rejected(self):
        # "Bronze" comes after "Gold" but asks for more: no customer could ever reach it.
        with self.assertRaisesRegex(ValidationError, "can never be reached"):
            self.env["sales.customer.tier"].create(
                {"name": "Bronze", "sequence": 25, "min_revenue": 5000, "min_order_count": 5, "min_tenure_days": 100}
            )

    def test_empty_tier_must_be_last(self):
        with self.assertRaisesRegex(ValidationError, "without thresholds"):
            self.env["sales.customer.tier"].create({"name": "Anyone", "sequence": 15})

    def test_regional_tier_does_not_clash(self):
        tier = self.env["sales.customer.tier"].create(
            {
                # Easier than Gold, but only for French customers: Gold stays reachable.
                "name": "Local Gold",
                "sequence": 15,
                "min_revenue": 2000,
                "min_order_count": 3,
                "min_tenure_days": 60,
                "country_ids": [(6, 0, self.env.ref("base.fr").ids)],
            }
        )
        self.assertTrue(tier)

    def test_tier_change_date_and_form(self):
        partner = self.env["res.partner"].create({"name": "Tiered"})
        gold = self.env.ref("sales_mgmt_core.customer_tier_gold")
        with Form(partner) as form:
            form.customer_tier_id = gold
        self.assertEqual(partner.customer_tier_id, gold)
        self.assertTrue(partner.customer_tier_date)
        self.assertEqual(gold.partner_count, 1)
