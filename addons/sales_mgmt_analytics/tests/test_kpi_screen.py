from datetime import date, datetime
from unittest.mock import patch

from lxml import etree

from odoo.tests import Form, tagged

from .common import NOV_FROM, NOV_TO, AnalyticsCommon


@tagged("post_install", "-at_install")
class TestKpiScreen(AnalyticsCommon):
    """The Sales KPIs screen as a salesperson (lowest group) uses it: figures at once, units, totals."""

    def _form(self, user=None):
        return Form(self.env["sales.kpi.wizard"].with_user(user or self.sam))

    def test_figures_at_once_for_the_current_month(self):
        with patch("odoo.fields.Date.context_today", return_value=date(2026, 11, 30)):
            form = self._form()
        self.assertEqual((form.date_from, form.date_to), (date(2026, 11, 1), date(2026, 11, 30)))
        # No button pressed: lines by channel (by revenue) and the totals line computed from the sums.
        names = [line["name"] for line in form.line_ids._records]
        # No "Direct / no channel" line: it would only hold opportunities, which have no channel
        # (counted in the totals line), so it would be empty.
        self.assertEqual(names, ["Web shop", "Marketplace", "Total"])
        total = form.line_ids._records[-1]
        self.assertTrue(total["is_total"])
        self.assertEqual((total["orders"], total["revenue"]), (3, 450.0), "Sam's own orders only")
        # Percentages as fractions for the percentage widget: 1 won of 2 closed.
        self.assertEqual(total["lead_conversion"], 0.5)
        # Opportunities and targets have no channel: not shown against a channel (blank, not 0 %).
        web_shop = form.line_ids._records[0]
        self.assertEqual((web_shop["leads_closed"], web_shop["target_revenue"]), (0, 0))
        self.assertEqual(total["target_revenue"], 900)
        self.assertIn("Revenue by channel", form.chart_html)
        self.assertIn("$", form.chart_html, "amounts with their currency")
        form.group_by = "user"
        self.assertEqual([line["name"] for line in form.line_ids._records], ["Sam", "Total"])
        form.group_by = "none"
        self.assertEqual(len(form.line_ids), 1)
        wizard = form.save()
        # The lines are read-only on screen (not sent on save): the saved screen has them too.
        self.assertEqual(wizard.line_ids.mapped("name"), ["Total"])
        self.assertTrue(wizard.action_export_xlsx()["url"])

    def test_period_change_recomputes_and_bad_period_clears(self):
        form = self._form()
        form.date_from, form.date_to = NOV_FROM, NOV_TO
        self.assertEqual(len(form.line_ids), 3)
        form.date_from = "2026-12-05"
        self.assertEqual(len(form.line_ids), 0, "a period ending before it starts shows nothing")

    def test_totals_are_not_sums_of_ratios(self):
        wizard = (
            self.env["sales.kpi.wizard"]
            .with_user(self.manager)
            .create({"date_from": NOV_FROM, "date_to": NOV_TO, "group_by": "channel"})
        )
        total = wizard.line_ids.filtered("is_total")
        self.assertEqual(total.revenue, sum((wizard.line_ids - total).mapped("revenue")))
        self.assertAlmostEqual(total.average_order_value, total.revenue / total.orders)

    def test_view_units_and_mobile_layout(self):
        arch = etree.fromstring(self.env["sales.kpi.wizard"].get_view(view_type="form")["arch"])
        widgets = {f.get("name"): f.get("widget") for f in arch.xpath("//field[@name='line_ids']/list/field")}
        self.assertEqual(widgets["revenue"], "monetary")
        self.assertEqual(widgets["quotation_conversion"], "percentage")
        self.assertTrue(arch.xpath("//field[@name='line_ids']/kanban"), "cards on a phone")
        self.assertFalse(arch.xpath("//button[@name='action_compute'][contains(@class, 'btn-primary')]"))
        for xmlid in ("sales_analysis_report_action", "sales_basket_pair_action", "sales_competitor_price_action"):
            self.assertIn("kanban", self.env.ref(f"sales_mgmt_analytics.{xmlid}").view_mode, xmlid)


@tagged("post_install", "-at_install")
class TestSubscriptionSchedule(AnalyticsCommon):
    def _subscription(self, **vals):
        return self.env["sales.report.subscription"].create(
            {
                "name": "Monthly sales",
                "frequency": "monthly",
                "user_ids": [(6, 0, (self.sam | self.manager).ids)],
                "next_date": datetime(2026, 12, 1, 6, 0),
                **vals,
            }
        )

    def test_send_now_keeps_the_schedule(self):
        subscription = self._subscription()
        with patch("odoo.fields.Datetime.now", return_value=datetime(2026, 11, 20, 7, 0)):
            action = subscription.with_user(self.manager).action_send_now()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(subscription.next_date, datetime(2026, 12, 1, 6, 0), "Send Now does not move the schedule")
        self.assertEqual(subscription.last_sent, datetime(2026, 11, 20, 7, 0))
        mails = self.env["mail.mail"].search([("model", "=", subscription._name), ("res_id", "=", subscription.id)])
        self.assertEqual(len(mails), 2)
        # Recipients' workbooks stay out of the chatter and of the subscription's attachments.
        self.assertFalse(subscription.message_ids.filtered("attachment_ids"))
        self.assertFalse(set(mails.mail_message_id.ids) & set(subscription.message_ids.ids))
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", subscription._name), ("res_id", "=", subscription.id)]
        )
        self.assertFalse(attachments)

    def test_send_now_is_not_offered_on_an_unsaved_record(self):
        arch = etree.fromstring(self.env["sales.report.subscription"].get_view(view_type="form")["arch"])
        [button] = arch.xpath("//button[@name='action_send_now']")
        self.assertEqual(button.get("invisible"), "not id")

    def test_paused_is_not_sent_and_resumes_without_backlog(self):
        subscription = self._subscription()
        subscription.with_user(self.manager).action_pause()
        self.assertEqual(subscription.state, "paused")
        with patch("odoo.fields.Datetime.now", return_value=datetime(2026, 12, 3, 7, 0)):
            self.assertEqual(self.env["sales.report.subscription"]._cron_send(), 0)
            subscription.with_user(self.manager).action_resume()
        self.assertEqual(subscription.state, "ok")
        self.assertEqual(subscription.next_date, datetime(2026, 12, 3, 7, 0))

    def test_empty_state_helps(self):
        action = self.env.ref("sales_mgmt_analytics.sales_report_subscription_action")
        self.assertIn("o_view_nocontent_smiling_face", action.help)
        self.assertIn("kanban", action.view_mode)
