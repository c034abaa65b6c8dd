"""Issue 17, fourth trial: customer labels that contradicted each other on one card.

The trial's customers: Sophie Martin (one order 3 days ago) read "at risk", next order the day
after her order (already past), purchase interval 1 day, propensity "Just ordered"; two
customers with two orders a day apart read "at risk" and "Just ordered"; Chengdu Panda Gifts
(every 15 days, last order 11 days ago) read RFM segment "At risk" and lifecycle "Active",
both 有流失风险 in Chinese. Their fellow customers mostly have one-day gaps (split purchases),
which made the population's interval one day.
"""

import json
from datetime import timedelta

from odoo.tests import tagged

from ..models.customer_segmentation import PARAM_BREAKS
from ..tools.segmentation import JUST_ORDERED_DAYS, MIN_INTERVAL_DAYS
from .common import SalesMgmtOrderCommon


@tagged("post_install", "-at_install")
class TestTrialCustomersAgree(SalesMgmtOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]

        def customer(name, *days_ago, amount=100.0):
            partner = Partner.create({"name": name, "user_id": cls.user_salesman.id})
            for days in days_ago:
                cls._order(partner, amount, days_ago=days)
            return partner

        cls.sophie = customer("Sophie Martin", 3)
        cls.split_1 = customer("Wang Lei", 3, 4)
        cls.split_2 = customer("Li Na", 3, 4)
        cls.chengdu = customer("Chengdu Panda Gifts", 11, 26, 41, 56, 71, 86, amount=2000.0)
        cls.others = (
            customer("Yesterday Buyer", 1)
            | customer("Five Days", 5)
            | customer("Eight Days", 8)
            | customer("Split Forty", 40, 41)
            | customer("Split Sixty", 60, 61)
            | customer("Long Ago", 200)
        )
        cls.Engine = cls.env["sales.customer.segmentation"]
        cls.Score = cls.env["sales.customer.score"]

    def _recompute(self, partners=None):
        return self.Engine._recompute(self.company, partner_ids=partners.ids if partners else None)

    def _assert_just_ordered_and_new(self, partner):
        self.assertEqual(partner.lifecycle_stage, "new", partner.name)
        self.assertGreaterEqual(partner.sm_purchase_interval, MIN_INTERVAL_DAYS, partner.name)
        self.assertGreaterEqual(partner.predicted_next_order_date, self.today, f"{partner.name}: prediction past")
        # what the salesperson reads in Customer Segments (the lowest-privileged user seeing scores)
        score = self.Score.with_user(self.user_salesman).browse(partner.id)
        self.assertTrue(score.just_ordered)
        self.assertEqual(score.propensity_label, "Just ordered")
        self.assertEqual(score.lifecycle_stage, "new")

    def test_labels_of_the_trial_customers_agree(self):
        self._recompute()
        for partner in self.sophie | self.split_1 | self.split_2:
            self._assert_just_ordered_and_new(partner)
            # one order, or one gap of a day, is no rhythm: the population's (Chengdu's 15 days)
            self.assertEqual(partner.sm_purchase_interval, 15.0, partner.name)
        self.assertEqual(self.sophie.predicted_next_order_date, self.sophie.sm_last_order_date + timedelta(days=15))
        chengdu = self.Score.with_user(self.user_salesman).browse(self.chengdu.id)
        self.assertEqual((chengdu.rfm_segment, chengdu.lifecycle_stage), ("at_risk", "active"))
        self.assertEqual(chengdu.sm_purchase_interval, 15.0)
        labels = self.Score.with_user(self.user_salesman).fields_get(["rfm_segment", "lifecycle_stage"], ["selection"])
        segment_label = dict(labels["rfm_segment"]["selection"])[chengdu.rfm_segment]
        self.assertEqual(segment_label, "Needs attention")
        self.assertEqual(dict(labels["lifecycle_stage"]["selection"])["at_risk"], "At risk")
        self.assertEqual(dict(labels["lifecycle_stage"]["selection"])["active"], "Active customer")

    def test_no_customer_at_risk_within_the_just_ordered_window(self):
        self._recompute()
        scores = self.Score.search(
            [("partner_id", "in", (self.sophie | self.split_1 | self.chengdu | self.others).ids)]
        )
        for score in scores:
            if (self.today - score.sm_last_order_date).days <= JUST_ORDERED_DAYS:
                self.assertIn(score.lifecycle_stage, ("new", "active"), score.partner_id.name)
            self.assertGreaterEqual(score.sm_purchase_interval, MIN_INTERVAL_DAYS, score.partner_id.name)

    def test_incremental_pass_ignores_intervals_saved_by_older_rules(self):
        """Fallback intervals saved by the former rules (a segment median of one-day gaps) are not
        used by an incremental pass: it scores as the full run of the current rules does."""
        self._recompute()
        expected = (self.sophie.lifecycle_stage, self.sophie.sm_purchase_interval)
        params = self.env["ir.config_parameter"].sudo()
        saved = json.loads(params.get_param(PARAM_BREAKS % self.company.id))
        old_format = {
            "breaks": saved["breaks"],
            "fallback": dict.fromkeys([*saved["fallback"], "potential", "new"], 1.0),
        }
        params.set_param(PARAM_BREAKS % self.company.id, json.dumps(old_format))
        self._order(self.sophie, 50.0, days_ago=3)  # same day: queues her, no new order day
        self._recompute(self.sophie)
        self.assertEqual((self.sophie.lifecycle_stage, self.sophie.sm_purchase_interval), expected)


@tagged("post_install", "-at_install")
class TestRecomputeKeepsUntouchedCustomers(SalesMgmtOrderCommon):
    """After the recompute job, the trial saw customers without a new order flip from "New
    customer, next order 12-17" to "at risk, next order 11-28": a new customer's two orders a
    day apart had become the interval of the others."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.customers = Partner
        for name, days_ago, amount in (
            ("Sophie Martin", [3], 100.0),
            ("Chengdu Panda Gifts", [11, 26, 41, 56, 71, 86], 2000.0),
            ("Yesterday Buyer", [1], 100.0),
            ("Eight Days", [8], 100.0),
            ("Long Ago", [200], 100.0),
        ):
            partner = Partner.create({"name": name, "user_id": cls.user_salesman.id})
            for days in days_ago:
                cls._order(partner, amount, days_ago=days)
            cls.customers |= partner
        cls.Engine = cls.env["sales.customer.segmentation"]

    def test_recompute_job_does_not_flip_untouched_customers(self):
        """An incremental pass (a new order queues its customer), then the nightly full job: the
        customers without a new order keep their stage and predicted date."""
        self.Engine._recompute(self.company)
        before = {p: (p.lifecycle_stage, p.predicted_next_order_date) for p in self.customers}
        self.assertEqual(before[self.customers[0]][0], "new", "Sophie Martin")
        newcomer = self.env["res.partner"].create({"name": "Newcomer", "user_id": self.user_salesman.id})
        self._order(newcomer, 100.0, days_ago=0)
        self._order(newcomer, 100.0, days_ago=1)  # one more one-day gap in the population
        self.Engine._cron_recompute_dirty()
        self.assertEqual(newcomer.lifecycle_stage, "new")
        self.Engine._cron_recompute_all()
        for partner, (stage, predicted) in before.items():
            self.assertEqual(
                (partner.lifecycle_stage, partner.predicted_next_order_date), (stage, predicted), partner.name
            )


@tagged("post_install", "-at_install")
class TestSegmentLabelsInChinese(SalesMgmtOrderCommon):
    """The RFM segment and the lifecycle stage read differently in Chinese too (passes once the
    zh_CN translations of "Needs attention" and "Active customer" are merged)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["sales_mgmt_core"], ["zh_CN"], overwrite=True)

    def test_segment_and_lifecycle_labels_in_chinese(self):
        Score = self.env["sales.customer.score"].with_user(self.user_salesman).with_context(lang="zh_CN")
        labels = Score.fields_get(["rfm_segment", "lifecycle_stage"], ["selection"])
        segments = dict(labels["rfm_segment"]["selection"])
        stages = dict(labels["lifecycle_stage"]["selection"])
        self.assertFalse(set(segments.values()) & set(stages.values()), (segments, stages))
        self.assertEqual(segments["at_risk"], "需关注客户")
        self.assertEqual(stages["at_risk"], "有流失风险")
        self.assertEqual(stages["active"], "活跃客户")
