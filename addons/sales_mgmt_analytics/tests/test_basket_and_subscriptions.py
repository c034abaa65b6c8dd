import io
from datetime import date, datetime
from unittest.mock import patch

import openpyxl

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from ..tools import basket
from .common import AnalyticsCommon


@tagged("post_install", "-at_install")
class TestBasket(AnalyticsCommon):
    def test_pair_metrics_unit(self):
        # 10 baskets, A in 4, B in 5, both in 2: support 0.2, confidence A→B 0.5, lift 0.5 / 0.5 = 1.
        self.assertEqual(basket.pair_metrics(10, 2, 4, 5), (0.2, 0.5, 1.0))
        self.assertEqual(basket.pair_metrics(0, 0, 0, 0), (0.0, 0.0, 0.0))
        pairs = basket.pairs_from_counts(10, {(1, 2): 2}, {1: 4, 2: 5}, min_support=0.3)
        self.assertEqual(pairs, [])

    def test_pairs_from_orders(self):
        p3 = self.env["product.product"].create({"name": "P3", "type": "consu"})
        # Extra baskets: P1+P3 twice, P3 alone once (orders in December).
        for lines in ([(self.p1, 1, 10), (p3, 1, 10)], [(self.p1, 1, 10), (p3, 1, 10)], [(p3, 1, 10)]):
            self._order(self.y, lines, "2026-12-02 10:00")
        result = self.env["sales.basket.pair"]._recompute(date(2026, 10, 1), date(2026, 12, 31), 0.0)
        # Baskets: o_before{P1}, o1{P1,P2}, o2{P1}, o3{P2}, Sue{P1}, 3 new → 8 orders.
        self.assertEqual(result["baskets"], 8)
        pairs = self.env["sales.basket.pair"].search([])
        p1_p3 = pairs.filtered(lambda p: p.product_id == self.p1 and p.related_product_id == p3)
        # P1 in 6 baskets, P3 in 3, together 2: support 2/8, confidence 2/6, lift (2/6) / (3/8).
        self.assertEqual(p1_p3.together, 2)
        self.assertAlmostEqual(p1_p3.support, 0.25)
        self.assertAlmostEqual(p1_p3.confidence, 0.3333, places=4)
        self.assertAlmostEqual(p1_p3.lift, 0.8889, places=4)
        self.assertEqual(len(pairs), 4, "P1↔P2 and P1↔P3, both directions")
        self.assertIn(p1_p3, self.p1.product_tmpl_id.sm_bought_together_ids)
        p1_p3.action_apply_as_optional_products()
        self.assertIn(p3.product_tmpl_id, self.p1.product_tmpl_id.optional_product_ids)
        # Minimum support filters; a rerun replaces the previous pairs.
        self.env["sales.basket.pair"]._recompute(date(2026, 10, 1), date(2026, 12, 31), 0.2)
        self.assertEqual(len(self.env["sales.basket.pair"].search([])), 2)
        with self.assertRaises(UserError):
            self.env["sales.basket.pair"]._recompute(date(2026, 10, 1), date(2026, 12, 31), 2.0)

    def test_wizard_as_manager(self):
        wizard = (
            self.env["sales.basket.wizard"]
            .with_user(self.manager)
            .create({"date_from": "2026-11-01", "date_to": "2026-11-30", "min_support": 0.1})
        )
        action = wizard.action_compute()
        self.assertEqual(action["res_model"], "sales.basket.pair")


@tagged("post_install", "-at_install")
class TestSubscriptions(AnalyticsCommon):
    def _subscription(self, **vals):
        return self.env["sales.report.subscription"].create(
            dict(
                {
                    "name": "Monthly sales",
                    "frequency": "monthly",
                    "user_ids": [(6, 0, (self.sam | self.manager).ids)],
                    "next_date": datetime(2026, 12, 1, 6, 0),
                },
                **vals,
            )
        )

    def test_salesperson_reads_only_the_reports_sent_to_them(self):
        mine = self._subscription(name="Sam's and the manager's")
        others = self._subscription(name="The manager's", user_ids=[(6, 0, self.manager.ids)])
        by_group = self._subscription(
            name="Every salesperson",
            user_ids=[],
            group_ids=[(6, 0, self.env.ref("sales_team.group_sale_salesman").ids)],
        )
        Subscription = self.env["sales.report.subscription"]
        self.assertEqual(Subscription.with_user(self.sue).search([]), by_group)
        self.assertEqual(Subscription.with_user(self.sam).search([]), mine | by_group)
        self.assertEqual(
            Subscription.with_user(self.manager).search([]) & (mine | others | by_group), mine | others | by_group
        )
        with self.assertRaises(AccessError):
            others.with_user(self.sue).read(["user_ids"])

    def _mails(self, subscription):
        return self.env["mail.mail"].search([("model", "=", subscription._name), ("res_id", "=", subscription.id)])

    def test_validation(self):
        with self.assertRaises(ValidationError):
            self._subscription(user_ids=[(5, 0, 0)])
        with self.assertRaises(ValidationError):
            self._subscription(filter_domain="[('no_such_field', '=', 1)]")
        with self.assertRaises(ValidationError):
            self._subscription(filter_domain="not a domain")
        with Form(self.env["sales.report.subscription"].with_user(self.manager)) as form:
            form.name = "By group"
            form.group_ids.add(self.env.ref("sales_mgmt_core.group_sales_mgmt_manager"))
        self.assertIn(self.manager, form.record._recipients())

    def test_each_recipient_gets_their_own_data(self):
        subscription = self._subscription(group_by="user")
        with patch("odoo.fields.Datetime.now", return_value=datetime(2026, 12, 1, 7, 0)):
            self.assertEqual(self.env["sales.report.subscription"]._cron_send(), 1)
        mails = self._mails(subscription)
        self.assertEqual(len(mails), 2)
        by_partner = {mail.recipient_ids: mail for mail in mails}
        sam_mail = by_partner[self.sam.partner_id]
        self.assertIn("2026-11-01", sam_mail.subject)
        self.assertIn("Sam", sam_mail.body_html)
        self.assertNotIn("Sue", sam_mail.body_html)
        self.assertIn("Sue", by_partner[self.manager.partner_id].body_html)

        def lines(mail):
            book = openpyxl.load_workbook(io.BytesIO(mail.attachment_ids.raw))
            return list(book["Lines"].iter_rows(min_row=2, values_only=True))

        self.assertEqual(len(lines(sam_mail)), 4)
        self.assertEqual(len(lines(by_partner[self.manager.partner_id])), 5)
        self.assertEqual(subscription.next_date, datetime(2027, 1, 1, 6, 0))
        self.assertEqual(subscription.state, "ok")

    def test_failures_are_logged_and_retried(self):
        subscription = self._subscription()
        Export = type(self.env["sales.analytics.export"])
        with patch.object(Export, "build_workbook", side_effect=RuntimeError("disk full")):
            subscription._send()
        self.assertEqual(subscription.failure_count, 1)
        self.assertIn("disk full", subscription.last_error)
        self.assertEqual(subscription.next_date, datetime(2026, 12, 1, 6, 0), "still due: retried next run")
        self.assertFalse(self._mails(subscription))
        self.assertTrue(subscription.message_ids.filtered(lambda m: "disk full" in (m.body or "")))
        subscription._send()
        self.assertEqual((subscription.failure_count, subscription.state), (0, "ok"))
        self.assertEqual(len(self._mails(subscription)), 2)
