from datetime import timedelta

from odoo import api, fields, models

SEVERITIES = [("low", "Low"), ("medium", "Medium"), ("high", "High"), ("critical", "Critical")]
# Default response deadlines (hours) by severity; override with the system parameter
# sales_mgmt.complaint_sla_hours.<severity>.
DEFAULT_SLA_HOURS = {"low": 168, "medium": 72, "high": 24, "critical": 4}
CLOSED_STATES = ("resolved", "closed")


def _format_duration(env, seconds):
    """'2 d 3 h', '5 h 20 min', '12 min': the two largest units."""
    minutes = int(seconds // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return env._("%(days)s d %(hours)s h", days=days, hours=hours)
    if hours:
        return env._("%(hours)s h %(minutes)s min", hours=hours, minutes=minutes)
    return env._("%s min", minutes)


class SalesComplaint(models.Model):
    """A customer complaint or piece of feedback, followed up to its resolution."""

    _name = "sales.complaint"
    _description = "Customer Complaint"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority_rank desc, create_date desc, id desc"
    _check_company_auto = True

    name = fields.Char("Subject", required=True, tracking=True)
    reference = fields.Char(readonly=True, copy=False, index="trigram")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, tracking=True, index=True, check_company=True
    )
    commercial_partner_id = fields.Many2one(related="partner_id.commercial_partner_id", store=True, index=True)
    order_id = fields.Many2one(
        "sale.order",
        "Related Order",
        tracking=True,
        index="btree_not_null",
        check_company=True,
        domain="[('partner_id', 'child_of', commercial_partner_id)]",
    )
    channel = fields.Selection(
        [
            ("website", "Website"),
            ("marketplace", "Marketplace"),
            ("social", "Social shop"),
            ("store", "Store"),
            ("phone", "Phone"),
            ("email", "E-mail"),
            ("other", "Other"),
        ],
        default="email",
        tracking=True,
    )
    category_id = fields.Many2one("sales.complaint.category", tracking=True)
    severity = fields.Selection(SEVERITIES, required=True, default="medium", tracking=True)
    priority_rank = fields.Integer(compute="_compute_priority_rank", store=True)
    description = fields.Html()
    user_id = fields.Many2one(
        "res.users",
        "Responsible",
        tracking=True,
        default=lambda self: self.env.user,
        index=True,
        domain=[("share", "=", False)],
    )
    salesperson_id = fields.Many2one(
        related="partner_id.commercial_partner_id.user_id", store=True, string="Salesperson"
    )
    state = fields.Selection(
        [("new", "New"), ("in_progress", "In Progress"), ("resolved", "Resolved"), ("closed", "Closed")],
        default="new",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    is_closed = fields.Boolean(compute="_compute_is_closed", store=True)
    resolution = fields.Html(copy=False)
    date_open = fields.Datetime("Opened", default=fields.Datetime.now, required=True, copy=False)
    date_resolved = fields.Datetime("Resolved", readonly=True, copy=False)
    date_closed = fields.Datetime("Closed", readonly=True, copy=False)
    sla_deadline = fields.Datetime("SLA Deadline", compute="_compute_sla_deadline", store=True, tracking=True)
    sla_breached = fields.Boolean(
        "SLA Breached",
        compute="_compute_sla_breached",
        store=True,
        help="Resolved after the deadline (stored at resolution); open complaints past the "
        "deadline are found with the 'Overdue' filter.",
    )
    sla_time_left = fields.Char(
        "Time Left",
        compute="_compute_sla_time_left",
        help="Time left before the SLA deadline, or how late the complaint is.",
    )
    sla_overdue = fields.Boolean("Overdue", compute="_compute_sla_time_left")
    resolution_hours = fields.Float(
        "Hours to Resolve", compute="_compute_resolution_hours", store=True, aggregator="avg"
    )
    return_picking_id = fields.Many2one("stock.picking", "Return", readonly=True, copy=False)
    credit_note_id = fields.Many2one("account.move", readonly=True, copy=False)
    color = fields.Integer()

    @api.depends("severity")
    def _compute_priority_rank(self):
        ranks = {key: i for i, (key, _label) in enumerate(SEVERITIES)}
        for complaint in self:
            complaint.priority_rank = ranks.get(complaint.severity, 0)

    @api.depends("state")
    def _compute_is_closed(self):
        for complaint in self:
            complaint.is_closed = complaint.state in CLOSED_STATES

    @api.depends("severity", "date_open")
    def _compute_sla_deadline(self):
        params = self.env["ir.config_parameter"].sudo()
        for complaint in self:
            hours = DEFAULT_SLA_HOURS.get(complaint.severity, 72)
            configured = params.get_param(f"sales_mgmt.complaint_sla_hours.{complaint.severity}")
            if configured and configured.isdigit():
                hours = int(configured)
            complaint.sla_deadline = complaint.date_open and complaint.date_open + timedelta(hours=hours)

    @api.depends("date_resolved", "sla_deadline")
    def _compute_sla_breached(self):
        for complaint in self:
            complaint.sla_breached = bool(
                complaint.date_resolved and complaint.sla_deadline and complaint.date_resolved > complaint.sla_deadline
            )

    @api.depends("sla_deadline", "is_closed", "sla_breached")
    def _compute_sla_time_left(self):
        now = fields.Datetime.now()
        for complaint in self:
            complaint.sla_overdue = False
            if complaint.is_closed:
                complaint.sla_time_left = (
                    self.env._("Resolved late") if complaint.sla_breached else self.env._("Resolved in time")
                )
            elif not complaint.sla_deadline:
                complaint.sla_time_left = ""
            else:
                seconds = (complaint.sla_deadline - now).total_seconds()
                duration = _format_duration(self.env, abs(seconds))
                complaint.sla_overdue = seconds < 0
                if seconds < 0:
                    complaint.sla_time_left = self.env._("%s overdue", duration)
                else:
                    complaint.sla_time_left = self.env._("%s left", duration)

    @api.depends("reference", "name")
    def _compute_display_name(self):
        for complaint in self:
            complaint.display_name = (
                f"{complaint.reference} {complaint.name or ''}"
                if complaint.reference and complaint.reference != "/"
                else complaint.name or ""
            )

    @api.depends("date_open", "date_resolved")
    def _compute_resolution_hours(self):
        for complaint in self:
            if complaint.date_open and complaint.date_resolved:
                complaint.resolution_hours = (complaint.date_resolved - complaint.date_open).total_seconds() / 3600
            else:
                complaint.resolution_hours = 0.0

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("reference"):
                vals["reference"] = self.env["ir.sequence"].next_by_code("sales.complaint") or "/"
        return super().create(vals_list)

    def write(self, vals):
        if "state" in vals:
            now = fields.Datetime.now()
            if vals["state"] == "resolved":
                vals.setdefault("date_resolved", now)
            elif vals["state"] == "closed":
                vals.setdefault("date_closed", now)
                for complaint in self.filtered(lambda c: not c.date_resolved):
                    super(SalesComplaint, complaint).write({"date_resolved": now})
            elif vals["state"] in ("new", "in_progress"):
                vals.update(date_resolved=False, date_closed=False)
        return super().write(vals)

    def action_start(self):
        self.write({"state": "in_progress"})

    def action_resolve(self):
        self.write({"state": "resolved"})

    def action_close(self):
        self.write({"state": "closed"})

    def action_reopen(self):
        self.write({"state": "in_progress"})
