from datetime import datetime

from freezegun import freeze_time

from odoo.tests import Form, new_test_user, tagged

from .common import AnalyticsCommon

# Monday 30 November 2026, 08:02 UTC = 16:02 in Shanghai.
NOW = "2026-11-30 08:02:00"


@tagged("post_install", "-at_install")
class TestSubscriptionSchedule(AnalyticsCommon):
    """A new report starts at the next period; Send Now says what it did and does not lead to the
    cron sending the same period again; recipients without e-mail are reported."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager.tz = "Asia/Shanghai"
        cls.no_mail = new_test_user(
            cls.env, "an_no_mail", groups="sales_mgmt_core.group_sales_mgmt_user", name="Nomail Nina"
        )
        cls.no_mail.email = False

    def _subscription(self, **vals):
        return (
            self.env["sales.report.subscription"]
            .with_user(self.manager)
            .create(dict({"name": "Weekly sales", "frequency": "weekly", "user_ids": [(6, 0, self.sam.ids)]}, **vals))
        )

    def _mails(self, subscription):
        return self.env["mail.mail"].search([("model", "=", subscription._name), ("res_id", "=", subscription.id)])

    @freeze_time(NOW)
    def test_new_report_starts_at_the_next_period(self):
        with Form(self.env["sales.report.subscription"].with_user(self.manager)) as form:
            form.name = "Weekly sales"
            form.user_ids.add(self.sam)
            # Next Monday 7 December, 07:00 in Shanghai.
            self.assertEqual(form.next_date, datetime(2026, 12, 6, 23, 0))
            form.frequency = "monthly"
            self.assertEqual(form.next_date, datetime(2026, 11, 30, 23, 0), "1 December, 07:00 in Shanghai")
            form.frequency = "daily"
            self.assertEqual(form.next_date, datetime(2026, 11, 30, 23, 0), "tomorrow, 07:00 in Shanghai")
        self.assertGreater(self._subscription().next_date, datetime(2026, 11, 30, 8, 2))

    @freeze_time(NOW)
    def test_send_now_when_due_moves_the_schedule(self):
        subscription = self._subscription(next_date=datetime(2026, 11, 30, 8, 0))
        action = subscription.action_send_now()
        params = action["params"]
        self.assertIn("sent to 1 recipient", params["message"])
        self.assertIn("moves to", params["message"])
        self.assertEqual(len(self._mails(subscription)), 1)
        # Next Monday at the same time: the week sent now is not sent again by the cron.
        self.assertEqual(subscription.next_date, datetime(2026, 12, 7, 8, 0))
        self.env["sales.report.subscription"]._cron_send()
        self.assertEqual(len(self._mails(subscription)), 1)

    @freeze_time(NOW)
    def test_send_now_keeps_a_schedule_of_the_next_period(self):
        subscription = self._subscription()
        next_date = subscription.next_date
        action = subscription.action_send_now()
        self.assertEqual(action["params"]["type"], "success")
        self.assertNotIn("moves to", action["params"]["message"])
        self.assertEqual(subscription.next_date, next_date)
        self.assertTrue(subscription.last_sent)

    @freeze_time(NOW)
    def test_recipient_without_email_is_reported(self):
        subscription = self._subscription(user_ids=[(6, 0, (self.sam | self.no_mail).ids)])
        self.assertEqual(subscription.missing_email, "Nomail Nina")
        action = subscription.action_send_now()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("Nomail Nina", action["params"]["message"])
        self.assertIn("Nomail Nina", subscription.last_error)
        self.assertTrue(subscription.message_ids.filtered(lambda m: "Nomail Nina" in (m.body or "")))
        # The cron reports it too, without counting it as a failure to retry.
        subscription.next_date = datetime(2026, 11, 30, 8, 0)
        subscription.last_error = False
        self.env["sales.report.subscription"]._cron_send()
        self.assertIn("Nomail Nina", subscription.last_error)
        self.assertEqual((subscription.failure_count, subscription.state), (0, "ok"))
