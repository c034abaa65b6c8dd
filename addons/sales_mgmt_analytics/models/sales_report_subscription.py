import base64
import logging
from ast import literal_eval
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import formatLang

from ..tools.kpi import FIGURES

_logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


class SalesReportSubscription(models.Model):
    """A scheduled sales report e-mail: XLSX attached, HTML summary in the body.

    Each recipient's report is built as that recipient (their record rules, time zone and
    language). A failed send is logged on the subscription and retried at the next run, up to
    MAX_ATTEMPTS times, then the subscription is flagged.
    """

    _name = "sales.report.subscription"
    _description = "Scheduled Sales Report"
    _inherit = ["mail.thread"]

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    frequency = fields.Selection(
        [("daily", "Daily"), ("weekly", "Weekly"), ("monthly", "Monthly")],
        required=True,
        default="weekly",
        tracking=True,
        help="Daily: yesterday; weekly: last week (Monday to Sunday); monthly: last month — "
        "in each recipient's time zone.",
    )
    group_by = fields.Selection(
        [("none", "Total"), ("channel", "Channel"), ("team", "Sales Team"), ("user", "Salesperson")],
        required=True,
        default="channel",
    )
    filter_domain = fields.Char(
        "Filter", default="[]", help="Domain on the sales analysis (e.g. a category or a channel)."
    )
    user_ids = fields.Many2many("res.users", string="Recipients", domain=[("share", "=", False)])
    group_ids = fields.Many2many("res.groups", string="Recipient Groups")
    next_date = fields.Datetime("Next Send", required=True, default=fields.Datetime.now, tracking=True)
    last_sent = fields.Datetime(readonly=True)
    failure_count = fields.Integer(readonly=True)
    last_error = fields.Text(readonly=True)
    state = fields.Selection(
        [("ok", "Running"), ("paused", "Paused"), ("failing", "Failing")],
        default="ok",
        readonly=True,
        tracking=True,
        help="Running: sent on schedule. Paused: not sent until resumed. Failing: the last runs failed.",
    )

    @api.constrains("user_ids", "group_ids")
    def _check_recipients(self):
        for subscription in self:
            if not subscription._recipients():
                raise ValidationError(
                    self.env._("Subscription %s has no recipient: add users or a group with users.", subscription.name)
                )

    @api.constrains("filter_domain")
    def _check_filter_domain(self):
        for subscription in self:
            try:
                domain = literal_eval(subscription.filter_domain or "[]")
                if not isinstance(domain, list):
                    raise ValueError("not a list")
                self.env["sales.analysis.report"].search_count(domain, limit=1)
            except Exception as error:
                raise ValidationError(
                    self.env._(
                        "The filter of %(name)s is not a valid domain: %(error)s", name=subscription.name, error=error
                    )
                ) from error

    def _recipients(self):
        self.ensure_one()
        users = self.user_ids | self.group_ids.all_user_ids
        return users.filtered(lambda u: u.active and not u.share and u.email)

    def action_send_now(self):
        """Send the report of the last period now; the schedule (next send, retries) is left as it is."""
        errors = []
        for subscription in self:
            errors += subscription._send(manual=True)
        if errors:
            message, kind = self.env._("Not sent: %s", "; ".join(errors)), "danger"
        else:
            message, kind = self.env._("The report is on its way to its recipients."), "success"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": kind, "sticky": bool(errors)},
        }

    def action_pause(self):
        self.write({"state": "paused"})

    def action_resume(self):
        """Resume sending; a schedule left in the past restarts from now, not with a backlog."""
        now = fields.Datetime.now()
        for subscription in self:
            subscription.write(
                {"state": "ok", "failure_count": 0, "next_date": max(subscription.next_date or now, now)}
            )

    @api.model
    def _cron_send(self):
        due = self.search([("next_date", "<=", fields.Datetime.now()), ("state", "!=", "paused")])
        for subscription in due:
            subscription._send()
        return len(due)

    def _period_for(self, user, now=None):
        """(date_from, date_to) of the last complete period in ``user``'s time zone."""
        self.ensure_one()
        today = fields.Date.context_today(self.with_user(user), now or fields.Datetime.now())
        if self.frequency == "daily":
            day = today - timedelta(days=1)
            return day, day
        if self.frequency == "weekly":
            monday = today - timedelta(days=today.weekday() + 7)
            return monday, monday + timedelta(days=6)
        first = today.replace(day=1) - relativedelta(months=1)
        return first, today.replace(day=1) - timedelta(days=1)

    def _next_date(self):
        step = {"daily": relativedelta(days=1), "weekly": relativedelta(weeks=1), "monthly": relativedelta(months=1)}
        return self.next_date + step[self.frequency]

    def _send(self, manual=False):
        """Build and queue one e-mail per recipient; errors are logged and retried, never dropped.

        ``manual`` (Send Now): the schedule, retry count and state stay as they are. Returns the errors.
        """
        self.ensure_one()
        errors = []
        for user in self._recipients():
            try:
                with self.env.cr.savepoint():
                    self._send_to(user)
            except Exception as error:  # any failure is recorded and retried
                _logger.exception("Sales report subscription %s failed for user %s", self.id, user.id)
                errors.append(f"{user.name}: {error}")
        if manual:
            if errors:
                self.write({"last_error": "\n".join(errors)})
                self.message_post(body=self.env._("Sending now failed: %s", "; ".join(errors)))
            else:
                self.write({"last_sent": fields.Datetime.now(), "last_error": False})
            return errors
        if errors:
            self.write(
                {
                    "failure_count": self.failure_count + 1,
                    "last_error": "\n".join(errors),
                    "state": "failing" if self.failure_count + 1 >= MAX_ATTEMPTS else self.state,
                }
            )
            self.message_post(body=self.env._("Sending failed (will be retried): %s", "; ".join(errors)))
            if self.failure_count >= MAX_ATTEMPTS:
                self.next_date = self._next_date()
        else:
            self.write(
                {
                    "last_sent": fields.Datetime.now(),
                    "next_date": self._next_date(),
                    "failure_count": 0,
                    "last_error": False,
                    "state": "ok",
                }
            )
        return errors

    def _send_to(self, user):
        env = self.env(user=user.id, context=dict(self.env.context, tz=user.tz, lang=user.lang))
        env = env(
            context=dict(
                env.context, allowed_company_ids=(user.company_ids & self.company_id).ids or user.company_id.ids
            )
        )
        date_from, date_to = self.with_env(env)._period_for(user)
        domain = literal_eval(self.filter_domain or "[]")
        content, _counts = env["sales.analytics.export"].build_workbook(
            str(date_from), str(date_to), domain, self.group_by
        )
        kpis = env["sales.kpi"].get_kpis(str(date_from), str(date_to), self.group_by)
        body = self.with_env(env)._render_body(kpis, date_from, date_to)
        filename = f"{self.name} {date_from}_{date_to}.xlsx".replace("/", "-")
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": filename,
                    "datas": base64.b64encode(content),
                    "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                }
            )
        )
        # A recipient's workbook holds that recipient's figures: the e-mail is a notification to
        # that user (kept out of the subscription's chatter) and its workbook is attached to the
        # e-mail, not to the subscription (whose attachments everyone reading it sees).
        mail = (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "subject": f"{self.name}: {date_from} - {date_to}",
                    "email_to": user.email_formatted,
                    "recipient_ids": [fields.Command.link(user.partner_id.id)],
                    "body_html": body,
                    "attachment_ids": [fields.Command.link(attachment.id)],
                    "auto_delete": True,
                    "model": self._name,
                    "res_id": self.id,
                    "message_type": "user_notification",
                }
            )
        )
        attachment.write({"res_model": "mail.message", "res_id": mail.mail_message_id.id})

    def _render_body(self, kpis, date_from, date_to):
        headers = [
            ("name", self.env._("Group")),
            ("orders", self.env._("Orders")),
            ("revenue", self.env._("Revenue")),
            ("average_order_value", self.env._("Avg. order")),
            ("customers_new", self.env._("New customers")),
            ("quotation_conversion", self.env._("Quote → order")),
        ]
        rows = Markup("").join(
            Markup("<tr>%s</tr>")
            % Markup("").join(Markup("<td>%s</td>") % self._format_cell(row.get(key), key) for key, _t in headers)
            for row in kpis
        )
        head = Markup("").join(Markup("<th>%s</th>") % title for _k, title in headers)
        return Markup(
            "<p>%s</p><table border='1' cellpadding='4' style='border-collapse:collapse'>"
            "<thead><tr>%s</tr></thead><tbody>%s</tbody></table><p>%s</p>"
        ) % (
            self.env._("Sales from %(start)s to %(end)s", start=date_from, end=date_to),
            head,
            rows or Markup("<tr><td colspan='6'>%s</td></tr>") % self.env._("No sales in this period."),
            self.env._("Details in the attached workbook."),
        )

    def _format_cell(self, value, key):
        if value is None or value is False:
            return "-"
        if isinstance(value, int | float):
            if key in ("revenue", "average_order_value"):
                return formatLang(self.env, value, currency_obj=self.company_id.currency_id)
            if key == "quotation_conversion":
                return f"{formatLang(self.env, value, digits=1)} %"
            digits = 0 if key in FIGURES else 2
            return formatLang(self.env, value, digits=digits)
        return str(value)
