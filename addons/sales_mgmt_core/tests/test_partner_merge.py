"""Odoo's partner merge queues the customers whose order history it changes."""

from odoo.tests import tagged

from .common import SalesMgmtOrderCommon


@tagged("post_install", "-at_install")
class TestPartnerMerge(SalesMgmtOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.ann = Partner.create({"name": "Ann Merge", "email": "ann.merge@example.com"})
        cls.ann_dup = Partner.create({"name": "Ann Merge (shop)", "email": "ann.merge@example.com"})
        cls.firm = Partner.create({"name": "Merge Firm", "is_company": True})
        cls.firm_contact = Partner.create({"name": "Ann at the Firm", "parent_id": cls.firm.id})
        cls._order(cls.ann, 100, days_ago=40)
        cls._order(cls.ann, 100, days_ago=20)
        cls._order(cls.ann_dup, 300, days_ago=5)
        cls._order(cls.firm_contact, 50, days_ago=10)
        cls.Engine = cls.env["sales.customer.segmentation"]
        cls.Queue = cls.env["sales.segment.queue"]

    def setUp(self):
        super().setUp()
        self.Engine._recompute(self.company)
        self.Queue._take(10**6)  # the confirmations above queued everyone: start from an empty queue

    def _merge(self, partners, survivor):
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_context(active_model="res.partner", active_ids=partners.ids)
            .create({})
        )
        wizard.dst_partner_id = survivor
        wizard.action_merge()

    def test_survivor_is_queued_and_rescored_with_both_histories(self):
        self.assertEqual((self.ann.sm_order_count, self.ann_dup.sm_order_count), (2, 1))
        first_order, last_order = self.ann.sm_first_order_date, self.ann_dup.sm_last_order_date
        self.assertFalse(self.ann.sudo().sm_segment_dirty)
        self._merge(self.ann | self.ann_dup, self.ann)
        self.assertFalse(self.ann_dup.exists())
        self.assertEqual(self.Queue._queued(self.ann.ids), set(self.ann.ids))
        self.assertTrue(self.ann.sudo().sm_segment_dirty)
        self.assertEqual(self.ann.sm_order_count, 2, "scores change with the incremental pass, not before")
        self.assertGreaterEqual(self.Engine._cron_recompute_dirty(), 1)
        self.assertFalse(self.ann.sudo().sm_segment_dirty)
        self.assertEqual(self.ann.sm_order_count, 3)
        self.assertAlmostEqual(self.ann.sm_lifetime_value, 500.0)
        self.assertEqual((self.ann.sm_first_order_date, self.ann.sm_last_order_date), (first_order, last_order))

    def test_survivor_moving_under_a_company(self):
        """Odoo gives the survivor the merged contact's company: the company takes every order
        and the survivor, no longer a customer of its own, goes back to prospect."""
        self.assertEqual(self.firm.sm_order_count, 1)
        self._merge(self.ann | self.firm_contact, self.ann)
        self.assertEqual(self.ann.parent_id, self.firm)
        self.assertEqual(self.Queue._queued((self.ann | self.firm).ids), set((self.ann | self.firm).ids))
        self.Engine._cron_recompute_dirty()
        self.assertEqual((self.firm.sm_order_count, self.firm.sm_lifetime_value), (3, 250.0))
        self.assertEqual((self.ann.sm_order_count, self.ann.lifecycle_stage), (0, "prospect"))

    def test_company_that_loses_its_contact_is_queued_too(self):
        other = self.env["res.partner"].create({"name": "Other Firm", "is_company": True})
        other_contact = self.env["res.partner"].create({"name": "Ann at Other", "parent_id": other.id})
        self._order(other_contact, 70, days_ago=3)
        self.Engine._recompute(self.company)
        self.Queue._take(10**6)
        self._merge(other_contact | self.firm_contact, other_contact)
        self.assertEqual(self.Queue._queued((other | self.firm).ids), set((other | self.firm).ids))
        self.Engine._cron_recompute_dirty()
        self.assertEqual((other.sm_order_count, other.sm_lifetime_value), (2, 120.0))
        self.assertEqual((self.firm.sm_order_count, self.firm.lifecycle_stage), (0, "prospect"))

    def test_nothing_merged_nothing_queued(self):
        self._merge(self.ann, self.ann)  # a single contact: Odoo's merge does nothing
        self.assertFalse(self.Queue._queued(self.ann.ids))

    def test_merge_customers_who_both_had_a_credit_check(self):
        """Both customers have a credit-check lock row (any confirmation with a limit makes
        one): the merge used to fail on the (partner, company) key."""
        for partner in (self.ann, self.ann_dup):
            partner.with_company(self.company).credit_limit = 10_000
        self.env["sales.credit.lock"]._lock_many([(self.ann.id, self.company.id), (self.ann_dup.id, self.company.id)])
        self._merge(self.ann | self.ann_dup, self.ann)
        self.assertFalse(self.ann_dup.exists())
        self.env.cr.execute("SELECT partner_id FROM sales_mgmt_credit_lock WHERE partner_id = %s", [self.ann.id])
        self.assertTrue(self.env.cr.fetchall())
