from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SalesMgmtOrderCommon

ENGINE = "odoo.addons.sales_mgmt_core.models.customer_segmentation.SalesCustomerSegmentation"
TAGS = "odoo.addons.sales_mgmt_core.models.customer_segmentation_tags.SalesCustomerSegmentation"


@tagged("post_install", "-at_install")
class TestCustomerSegments(SalesMgmtOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.company.write({"country_id": cls.env.ref("base.us").id, "state_id": cls.env.ref("base.state_us_5").id})
        cls.vip = Partner.create(
            {
                "name": "Vera VIP",
                "email": "vera@example.com",
                "user_id": cls.user_salesman.id,
                "country_id": cls.env.ref("base.us").id,
                "state_id": cls.env.ref("base.state_us_5").id,
            }
        )
        cls.regular = Partner.create(
            {
                "name": "Rob Regular",
                "email": "rob@example.com",
                "user_id": cls.user_salesman_2.id,
                "country_id": cls.env.ref("base.fr").id,
            }
        )
        cls.sleeper = Partner.create(
            {"name": "Sid Sleeper", "email": "sid@example.com", "user_id": cls.user_salesman.id}
        )
        cls.prospect = Partner.create({"name": "Pam Prospect"})
        # VIP: 12 orders of 1,000 over the last year, one every 30 days
        for i in range(12):
            cls._order(cls.vip, 1000, days_ago=1 + 30 * i)
        # Regular: 2 orders of 150, 20 days apart
        cls._order(cls.regular, 150, days_ago=10)
        cls._order(cls.regular, 150, days_ago=30)
        # Sleeper: ordered every 10 days a year ago, nothing since
        for i in range(4):
            cls._order(cls.sleeper, 80, days_ago=300 + 10 * i)
        cls.Engine = cls.env["sales.customer.segmentation"]

    def _recompute(self):
        return self.Engine._recompute(self.company)

    def test_scores_tiers_lifecycle(self):
        self._recompute()
        vip, regular, sleeper = self.vip, self.regular, self.sleeper
        self.assertEqual(vip.customer_tier_id, self.env.ref("sales_mgmt_core.customer_tier_gold"))  # tenure < 365
        self.assertEqual(regular.customer_tier_id, self.env.ref("sales_mgmt_core.customer_tier_regular"))
        self.assertEqual(sleeper.customer_tier_id, self.env.ref("sales_mgmt_core.customer_tier_regular"))
        self.assertEqual(vip.sm_order_count, 12)
        self.assertAlmostEqual(vip.sm_lifetime_value, 12000)
        self.assertAlmostEqual(vip.sm_average_order_value, 1000)
        self.assertEqual(vip.sm_purchase_interval, 30)
        self.assertEqual(vip.lifecycle_stage, "active")
        self.assertEqual(vip.rfm_segment, "champions")
        self.assertEqual(sleeper.lifecycle_stage, "lapsed")
        self.assertEqual(regular.lifecycle_stage, "active")
        self.assertFalse(self.prospect.rfm_segment)
        self.assertTrue(vip.customer_tier_date)
        # The first classification is not logged; a later change is.
        self.assertNotIn("Customer tier", vip.message_ids[:1].body or "")
        self.env.ref("sales_mgmt_core.customer_tier_vip").min_tenure_days = 300
        self._recompute()
        self.assertEqual(vip.customer_tier_id, self.env.ref("sales_mgmt_core.customer_tier_vip"))
        tracking = vip.message_ids[0].sudo().tracking_value_ids
        self.assertEqual(
            (tracking.field_id.name, tracking.old_value_char, tracking.new_value_char),
            ("customer_tier_id", "Gold", "VIP"),
        )
        # The change is logged as tracking of a restricted field: hidden from the other salespeople.
        self.assertFalse(tracking._filter_has_field_access(tracking.with_user(self.user_salesman_2).env))
        self.assertTrue(tracking._filter_has_field_access(tracking.with_user(self.user_approver).env))
        self.assertNotIn("VIP", vip.message_ids[0].body)

    def test_child_contacts_roll_up(self):
        contact = self.env["res.partner"].create({"name": "Ann Buyer", "parent_id": self.regular.id})
        self._order(contact, 500, days_ago=5)
        self._recompute()
        self.assertEqual(self.regular.sm_order_count, 3)
        self.assertAlmostEqual(self.regular.sm_lifetime_value, 800)
        self.assertFalse(contact.sm_order_count)

    def test_cancelled_refund_and_quotation_excluded(self):
        self._order(self.regular, 999, days_ago=3, confirm=False)
        cancelled = self._order(self.regular, 999, days_ago=2)
        cancelled._action_cancel()
        self._order(self.regular, -300, days_ago=1)  # a refund entered as a negative order
        self._recompute()
        self.assertEqual(self.regular.sm_order_count, 2)
        self.assertAlmostEqual(self.regular.sm_lifetime_value, 300)

    def test_multi_currency_converted(self):
        eur = self._euro_at(2.0)  # 2 EUR for 1 USD
        pricelist = self.env["product.pricelist"].create({"name": "EUR", "currency_id": eur.id})
        buyer = self.env["res.partner"].create({"name": "Eva Euro"})
        self._order(buyer, 200, days_ago=1, pricelist=pricelist)
        self._recompute()
        self.assertEqual(self.company.currency_id, self.env.ref("base.USD"))
        self.assertAlmostEqual(buyer.sm_lifetime_value, 100)

    def test_multi_company_scores_per_company(self):
        company_b = self.env["res.company"].create({"name": "Branch B"})
        self.user_manager.company_ids |= company_b
        self._order(self.regular, 50, days_ago=2, company=company_b, user=self.user_manager)
        self.Engine._recompute(self.company | company_b)
        self.assertEqual(self.regular.sm_order_count, 2)
        self.assertEqual(self.regular.with_company(company_b).sm_order_count, 1)
        self.assertAlmostEqual(self.regular.with_company(company_b).sm_lifetime_value, 50)
        self.assertFalse(self.vip.with_company(company_b).rfm_segment)
        # searchable and groupable per company
        found = self.env["res.partner"].with_company(company_b).search([("sm_order_count", "=", 1)])
        self.assertIn(self.regular, found)
        groups = self.env["res.partner"]._read_group(
            [("id", "in", (self.vip | self.regular).ids)], ["rfm_segment"], ["__count"]
        )
        self.assertEqual(sum(c for _s, c in groups), 2)

    def test_archived_partner_not_scored(self):
        self.regular.active = False
        self._recompute()
        self.assertFalse(self.regular.rfm_segment)

    def test_cancel_last_order_resets_to_prospect(self):
        buyer = self.env["res.partner"].create({"name": "One Timer"})
        order = self._order(buyer, 70, days_ago=1)
        self._recompute()
        self.assertEqual(buyer.lifecycle_stage, "new")
        order._action_cancel()
        self._recompute()
        self.assertEqual(buyer.lifecycle_stage, "prospect")
        self.assertFalse(buyer.customer_tier_id)

    def test_tags_synced_manual_tags_kept(self):
        manual = self.env["res.partner.category"].create({"name": "Wholesale"})
        self.vip.category_id = [Command.link(manual.id)]
        self._recompute()
        names = set(self.vip.category_id.mapped("name"))
        self.assertLessEqual({"Wholesale", "Local"}, names)
        self.assertIn("Remote", self.regular.category_id.mapped("name"))
        auto_before = self.vip.category_id
        self._recompute()
        self.assertEqual(self.vip.category_id, auto_before)
        # a band that no longer applies is removed, the manual tag stays
        self.vip.country_id = self.env.ref("base.fr")
        self.vip.state_id = False
        self._recompute()
        names = set(self.vip.category_id.mapped("name"))
        self.assertIn("Remote", names)
        self.assertNotIn("Local", names)
        self.assertIn("Wholesale", names)

    def test_winback_once_per_lapse(self):
        Mail = self.env["mail.mail"]
        before = Mail.search_count([("subject", "like", "We miss you")])
        # 280 days ago Sid had ordered 20 days before: at risk, not yet lapsed.
        with freeze_time(fields.Date.today() - timedelta(days=280)):
            self._recompute()
        self.assertEqual(self.sleeper.lifecycle_stage, "at_risk")
        self.assertEqual(Mail.search_count([("subject", "like", "We miss you")]), before)
        self._recompute()
        sent = Mail.search([("subject", "like", "We miss you")])
        self.assertEqual(len(sent) - before, 1)
        self.assertIn(self.sleeper, sent.recipient_ids)
        self.assertTrue(self.sleeper.sm_winback_sent_date)
        self._recompute()
        self.assertEqual(Mail.search_count([("subject", "like", "We miss you")]) - before, 1)

    def test_followup_activity_not_duplicated(self):
        self._recompute()
        # Regular tier revisits after 60 days; make Rob due
        self.env.ref("sales_mgmt_core.customer_tier_regular").revisit_interval_days = 5
        created = self.env["res.partner"]._sm_schedule_revisits()
        self.assertIn(self.regular.id, created.mapped("res_id"))
        self.assertEqual(created.filtered(lambda a: a.res_id == self.regular.id).user_id, self.user_salesman_2)
        again = self.env["res.partner"]._sm_schedule_revisits()
        self.assertNotIn(self.regular.id, again.mapped("res_id"))

    def test_birthday_once_a_year(self):
        self.regular.birthday = self.today.replace(year=1990)
        sent = self.env["res.partner"]._sm_send_birthday_greetings()
        self.assertEqual(sent, self.regular)
        self.assertFalse(self.env["res.partner"]._sm_send_birthday_greetings())

    def test_first_classification_sends_no_winback(self):
        before = self.env["mail.mail"].search_count([("subject", "like", "We miss you")])
        self._recompute()
        self.assertEqual(self.sleeper.lifecycle_stage, "lapsed")
        self.assertEqual(self.env["mail.mail"].search_count([("subject", "like", "We miss you")]), before)

    def test_rerun_is_idempotent(self):
        first = self._recompute()
        messages = self.env["mail.message"].search_count([("model", "=", "res.partner")])
        second = self._recompute()
        self.assertEqual(first["scored"], second["scored"])
        self.assertEqual(second["changed"], 0)
        self.assertEqual(self.env["mail.message"].search_count([("model", "=", "res.partner")]), messages)

    def test_failure_midway_leaves_nothing_half_written(self):
        def boom(*args, **kwargs):
            raise RuntimeError("tag sync failed")

        with (
            patch(f"{TAGS}._sync_tags", boom),
            self.assertRaises(RuntimeError),
            mute_logger("odoo.sql_db"),
        ):
            self._recompute()
        self.assertFalse(self.vip.rfm_segment)
        self.assertFalse(self.vip.customer_tier_id)
        self._recompute()
        self.assertEqual(self.vip.rfm_segment, "champions")

    def test_incremental_after_new_order(self):
        self._recompute()
        buyer = self.env["res.partner"].create({"name": "Late Comer"})
        self._order(buyer, 20000, days_ago=0)  # above every customer of the last full run
        self.assertTrue(buyer.sudo().sm_segment_dirty)
        count = self.Engine._cron_recompute_dirty()
        self.assertGreaterEqual(count, 1)
        self.assertEqual(buyer.sm_order_count, 1)
        self.assertEqual(buyer.rfm_monetary_score, 5)
        self.assertFalse(buyer.sudo().sm_segment_dirty)

    def test_incremental_pass_that_fails_keeps_customers_queued(self):
        self._recompute()
        buyer = self.env["res.partner"].create({"name": "Queued Buyer"})
        order = self._order(buyer, 500, days_ago=0)
        order._action_cancel()  # confirming and cancelling both queue the customer
        self.assertEqual(self.env["sales.segment.queue"]._queued(buyer.ids), set(buyer.ids))

        def boom(*args, **kwargs):
            raise RuntimeError("scoring failed")

        with patch(f"{ENGINE}._recompute", boom), self.assertRaises(RuntimeError), self.env.cr.savepoint():
            self.Engine._cron_recompute_dirty()
        self.assertTrue(buyer.sudo().sm_segment_dirty)
        self.Engine._cron_recompute_dirty()
        self.assertFalse(buyer.sudo().sm_segment_dirty)

    def test_due_to_reorder_filter_domain(self):
        self._recompute()
        self.assertTrue(self.vip.predicted_next_order_date)
        found = self.env["res.partner"].search([("predicted_next_order_date", ">=", self.today)])
        self.assertIn(self.vip, found)

    def test_access(self):
        self._recompute()
        # Own-documents salespeople read their own customers' scores through sales.customer.score;
        # the score fields of res.partner are for users who see every customer.
        Score = self.env["sales.customer.score"]
        own = Score.with_user(self.user_salesman).search([("partner_id", "=", self.vip.id)])
        self.assertEqual(own.rfm_segment, "champions")
        self.assertFalse(Score.with_user(self.user_salesman_2).search([("partner_id", "=", self.vip.id)]))
        with self.assertRaises(AccessError):
            self.vip.with_user(self.user_salesman).read(["rfm_segment"])
        self.assertEqual(self.vip.with_user(self.user_approver).rfm_segment, "champions")
        with self.assertRaises(AccessError):
            self.vip.with_user(self.user_internal).read(["rfm_segment"])
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.user_salesman).action_recompute_customer_segments()
        result = self.env["res.partner"].with_user(self.user_manager).action_recompute_customer_segments()
        self.assertEqual(result["tag"], "display_notification")

    def test_templates_editable_by_managers_only(self):
        template = self.env.ref("sales_mgmt_core.mail_template_customer_winback")
        template.with_user(self.user_manager).subject = "Come back!"
        with self.assertRaises(AccessError):
            template.with_user(self.user_salesman).write({"subject": "Hacked"})
