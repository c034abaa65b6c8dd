"""Daily screens after the second trial: who sees Acknowledge on stock alerts, the Local tag of
customers without a state, propensity right after an order, lead sources without duplicates."""

from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..tools.segmentation import location_band
from .common import SalesMgmtOrderCommon


@tagged("post_install", "-at_install")
class TestCoreScreensR2(SalesMgmtOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.us = cls.env.ref("base.us")
        cls.california = cls.env.ref("base.state_us_5")
        cls.washington = cls.env["res.country.state"].search([("country_id", "=", cls.us.id), ("code", "=", "WA")])
        cls.company.write({"country_id": cls.us.id, "state_id": cls.california.id})

    def _arch(self, model, view_type, user, view_ref=None):
        view_id = self.env.ref(view_ref).id if view_ref else None
        views = self.env[model].with_user(user).get_views([(view_id, view_type)])
        return etree.fromstring(views["views"][view_type]["arch"])

    def _tags(self, partner):
        return set(partner.category_id.mapped("name"))

    # ------------------------------------------------------------------ stock alerts
    def test_acknowledge_only_for_who_may(self):
        for view_type in ("list", "form"):
            seller = self._arch("sales.stock.alert", view_type, self.user_salesman)
            self.assertFalse(seller.xpath("//button[@name='action_acknowledge']"), view_type)
            stock_user = self.env.ref("stock.group_stock_user")
            self.user_manager.group_ids |= stock_user
            buyer = self._arch("sales.stock.alert", view_type, self.user_manager)
            self.assertTrue(buyer.xpath("//button[@name='action_acknowledge']"), view_type)
        # and the server still refuses it to a seller, whatever the client sends
        product = self.env["product.product"].create({"name": "Ack Lamp", "is_storable": True, "type": "consu"})
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1)
        self.env["sales.safety.stock"].create({"product_id": product.id, "warehouse_id": warehouse.id, "safety_qty": 5})
        self.env["sales.stock.alert"]._evaluate(product_ids=product.ids)
        alert = self.env["sales.stock.alert"].search([("product_id", "=", product.id)])
        with self.assertRaises(AccessError):
            alert.with_user(self.user_salesman).action_acknowledge()

    # ------------------------------------------------------------------ Local / Remote
    def test_location_band_rules(self):
        ca, wa, us, fr = 1, 2, 10, 20
        self.assertEqual(location_band(ca, us, ca, us), "local")
        self.assertEqual(location_band(ca, us, wa, us), "remote")
        self.assertIsNone(location_band(ca, us, None, us), "same country, no state: unknown, not local")
        self.assertEqual(location_band(ca, us, None, fr), "remote")
        self.assertIsNone(location_band(ca, us, None, None))
        # a company without a state compares countries
        self.assertEqual(location_band(None, us, None, us), "local")
        self.assertEqual(location_band(None, us, wa, us), "local")
        self.assertEqual(location_band(None, us, None, fr), "remote")
        self.assertIsNone(location_band(None, None, wa, us))

    def test_local_tag_needs_the_same_state(self):
        Partner = self.env["res.partner"]
        seattle = Partner.create({"name": "Seattle Home Goods", "city": "Seattle", "country_id": self.us.id})
        chicago = Partner.create({"name": "Chicago Lumber", "city": "Chicago", "country_id": self.us.id})
        washington = Partner.create({"name": "Olympia Tea", "country_id": self.us.id, "state_id": self.washington.id})
        sf = Partner.create({"name": "SF Gifts", "country_id": self.us.id, "state_id": self.california.id})
        paris = Partner.create({"name": "Paris Cadeaux", "country_id": self.env.ref("base.fr").id})
        for partner in seattle | chicago | washington | sf | paris:
            self._order(partner, 100, days_ago=3)
        engine = self.env["sales.customer.segmentation"]
        engine._recompute(self.company)
        for partner in seattle | chicago:
            self.assertFalse({"Local", "Remote"} & self._tags(partner), partner.name)
        self.assertIn("Remote", self._tags(washington))
        self.assertIn("Local", self._tags(sf))
        self.assertIn("Remote", self._tags(paris))
        # a company without a state: the same country is local
        self.company.state_id = False
        engine._recompute(self.company)
        for partner in seattle | chicago | washington | sf:
            self.assertIn("Local", self._tags(partner), partner.name)
        self.assertIn("Remote", self._tags(paris))

    # ------------------------------------------------------------------ propensity, scores pending
    def test_just_ordered_reads_the_same_everywhere(self):
        buyer = self.env["res.partner"].create({"name": "Fresh Buyer", "user_id": self.user_salesman.id})
        regular = self.env["res.partner"].create({"name": "Old Buyer", "user_id": self.user_salesman.id})
        self._order(buyer, 100, days_ago=0)
        self._order(regular, 100, days_ago=60)
        self._order(regular, 100, days_ago=90)
        self.env["sales.customer.segmentation"]._recompute(self.company)
        Score = self.env["sales.customer.score"].with_user(self.user_salesman)
        fresh = Score.search([("partner_id", "=", buyer.id)])
        self.assertEqual(fresh.propensity_label, "Just ordered")
        self.assertTrue(fresh.just_ordered)
        old = Score.search([("partner_id", "=", regular.id)])
        self.assertFalse(old.just_ordered)
        self.assertEqual(old.propensity_label, f"{old.purchase_propensity} %")
        # the partner's Customer Insights tab and Customer Segments show the same column
        insights = self._arch("res.partner", "form", self.user_salesman, "base.view_partner_form")
        segments = self._arch("sales.customer.score", "list", self.user_salesman)
        for arch in (insights.xpath("//field[@name='sm_score_ids']/list")[0], segments):
            self.assertTrue(arch.xpath(".//field[@name='propensity_label'][@decoration-success='just_ordered']"))
            self.assertFalse(arch.xpath(".//field[@name='purchase_propensity']"), "no 0 % bar right after an order")

    def test_scores_pending_after_a_confirmation(self):
        buyer = self.env["res.partner"].create({"name": "Brand New Buyer", "user_id": self.user_salesman.id})
        self._order(buyer, 100, days_ago=0)
        seen = buyer.with_user(self.user_salesman)
        self.assertFalse(seen.sm_score_ids)
        self.assertTrue(seen.sm_scores_pending, "not 'no order yet': the scores are not computed yet")
        cron = self.env.ref("sales_mgmt_core.ir_cron_customer_segments_incremental")
        self.assertEqual(seen.sm_scores_next_update, cron.nextcall)
        form = self._arch("res.partner", "form", self.user_salesman, "base.view_partner_form")
        pending = form.xpath("//div[contains(., 'Scores not computed yet')]")
        self.assertTrue(pending)
        self.assertEqual(pending[-1].get("invisible"), "sm_score_ids or not sm_scores_pending")
        self.env["sales.customer.segmentation"]._cron_recompute_dirty()
        seen.invalidate_recordset()
        self.assertTrue(seen.sm_score_ids)
        self.assertFalse(seen.sm_scores_pending)
        self.assertFalse(seen.sm_scores_next_update)

    # ------------------------------------------------------------------ lead sources
    def test_lead_sources_reuse_odoos_referral(self):
        referral = self.env.ref("utm.utm_source_referral")
        self.assertFalse(self.env.ref("sales_mgmt_core.utm_source_referral", raise_if_not_found=False))
        Source = self.env["utm.source"]
        self.assertEqual(Source.search_count([("name", "=like", "Referral%")]), 1, "no 'Referral [2]'")
        # a database installed with the duplicate: its leads go to Odoo's Referral, the duplicate goes
        duplicate = Source.create({"name": "Referral"})
        self.assertEqual(duplicate.name, "Referral [2]")
        self.env["ir.model.data"].create(
            {"module": "sales_mgmt_core", "name": "utm_source_referral", "model": "utm.source", "res_id": duplicate.id}
        )
        lead = self.env["crm.lead"].create({"name": "Referred lead", "source_id": duplicate.id})
        self.assertTrue(Source._sm_merge_into("sales_mgmt_core.utm_source_referral", "utm.utm_source_referral"))
        self.assertEqual(lead.source_id, referral)
        self.assertFalse(duplicate.exists())
        self.assertFalse(Source._sm_merge_into("sales_mgmt_core.utm_source_referral", "utm.utm_source_referral"))
