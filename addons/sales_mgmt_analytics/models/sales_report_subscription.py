import base64
import logging
from ast import literal_eval
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_datetime, formatLang

from ..tools.kpi import FIGURES

_logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
SEND_HOUR = 7  # a new report is first sent at the start of the next period, 07:00 in the user's time zone
STEPS = {"daily": relativedelta(days=1), "weekly": relativedelta(weeks=1), "monthly": relativedelta(months=1)}


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
    next_date = fields.Datetime(
        "Next Send",
        required=True,
        default=lambda self: self._next_period_start(self.env.context.get("default_frequency") or "weekly"),
        tracking=True,
        help="A new report is first sent at the start of the next period (day, Monday or 1st of the month), "
        "07:00 in your time zone.",
    )
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
    missing_email = fields.Char(
        "Recipients without E-mail",
        compute="_compute_missing_email",
        help="Recipients who have no e-mail address: they do not receive the report.",
    )

    @api.depends("user_ids.email", "group_ids.all_user_ids.email")
    def _compute_missing_email(self):
        for subscription in self:
            subscription.missing_email = ", ".join(subscription._recipients_without_email().mapped("name"))

    @api.onchange("frequency")
    def _onchange_frequency(self):
        """A new report starts at the next period of its frequency."""
        if not self._origin.id and self.frequency:
            self.next_date = self._next_period_start(self.frequency)

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

    def _all_recipients(self):
        self.ensure_one()
        users = self.user_ids | self.group_ids.all_user_ids
        return users.filtered(lambda u: u.active and not u.share)

    def _recipients(self):
        return self._all_recipients().filtered("email")

    def _recipients_without_email(self):
        return self._all_recipients().filtered(lambda u: not u.email)

    @api.model
    def _next_period_start(self, frequency, now=None):
        """Start of the next day, week (Monday) or month after ``now``, at 07:00 in the user's
        time zone, as a naive UTC datetime."""
        try:
            tz = ZoneInfo(self.env.context.get("tz") or self.env.user.tz or "UTC")
        except (KeyError, ValueError):
            tz = ZoneInfo("UTC")
        utc = ZoneInfo("UTC")
        now = now or fields.Datetime.now()
        local = now.replace(tzinfo=utc).astimezone(tz)
        day = local.date()
        start = {
            "daily": day,
            "weekly": day - timedelta(days=day.weekday()),
            "monthly": day.replace(day=1),
        }[frequency]
        candidate = datetime.combine(start, time(SEND_HOUR), tz)
        while candidate <= local:
            candidate = datetime.combine(candidate.date() + STEPS[frequency], time(SEND_HOUR), tz)
        return candidate.astimezone(utc).replace(tzinfo=None)

    def action_send_now(self):
        """Send the report of the last period now. The schedule is left as it is, unless its next
        send would repeat the period just sent: then it moves to the next period (and says so)."""
        messages, errors, warn = [], [], False
        for subscription in self:
            now = fields.Datetime.now()
            sent = len(subscription._recipients())
            send_errors = subscription._send(manual=True)
            errors += send_errors
            delivered = sent - len(send_errors)
            messages.append(
                self.env._("%(name)s: sent to %(count)s recipient(s).", name=subscription.name, count=delivered)
            )
            missing = subscription._recipients_without_email()
            if missing:
                warn = True
                messages.append(self.env._("Skipped, no e-mail address: %s.", ", ".join(missing.mapped("name"))))
            if delivered and subscription._repeats_period(now):
                warn = True
                subscription.next_date = subscription._next_date_after(now)
                messages.append(
                    self.env._(
                        "The next scheduled send would have repeated this period: it moves to %s.",
                        format_datetime(self.env, subscription.next_date),
                    )
                )
        if errors:
            messages.append(self.env._("Not sent: %s", "; ".join(errors)))
        kind = "danger" if errors else ("warning" if warn else "success")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": " ".join(messages),
                "type": kind,
                "sticky": kind != "success",
                # The form then shows the new last sent date (and the next send, if moved).
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _repeats_period(self, now):
        """Whether the next scheduled send would send the same period as one sent at ``now``
        (the cron sends the period before the time it runs)."""
        self.ensure_one()
        if self.state == "paused":
            return False
        when = max(self.next_date, now)
        return self._period_for(self.env.user, when) == self._period_for(self.env.user, now)

    def _next_date_after(self, now):
        """The schedule moved by whole periods until its send covers a later period than ``now``'s."""
        self.ensure_one()
        next_date = self.next_date
        sent = self._period_for(self.env.user, now)
        while next_date <= now or self._period_for(self.env.user, next_date) == sent:
            next_date += STEPS[self.frequency]
        return next_date

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
        return self.next_date + STEPS[self.frequency]

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
        missing = self._recipients_without_email()
        # Not an error (retrying would not help): said on the subscription and in its chatter.
        skipped = self.env._("Not sent to %s: no e-mail address.", ", ".join(missing.mapped("name"))) if missing else ""
        if skipped:
            self.message_post(body=skipped)
        if manual:
            if errors:
                self.write({"last_error": "\n".join([*errors, skipped]).strip()})
                self.message_post(body=self.env._("Sending now failed: %s", "; ".join(errors)))
            else:
                self.write({"last_sent": fields.Datetime.now(), "last_error": skipped or False})
            return errors
        if errors:
            self.write(
                {
                    "failure_count": self.failure_count + 1,
                    "last_error": "\n".join([*errors, skipped]).strip(),
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
                    "last_error": skipped or False,
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
