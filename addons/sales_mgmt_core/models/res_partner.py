import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools.segmentation import LIFECYCLE_STAGES, SEGMENTS

SCORE_GROUPS = "sales_team.group_sale_salesman"

_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Scores are per company (company_dependent: one JSONB column, searchable and groupable
    # for the current company). They live on the commercial partner; contacts roll up to it.
    customer_tier_id = fields.Many2one(
        "sales.customer.tier",
        company_dependent=True,
        tracking=True,
        copy=False,
        groups=SCORE_GROUPS,
    )
    customer_tier_date = fields.Date("Tier Since", company_dependent=True, copy=False, groups=SCORE_GROUPS)
    rfm_recency_score = fields.Integer("Recency", company_dependent=True, copy=False, groups=SCORE_GROUPS)
    rfm_frequency_score = fields.Integer("Frequency", company_dependent=True, copy=False, groups=SCORE_GROUPS)
    rfm_monetary_score = fields.Integer("Monetary", company_dependent=True, copy=False, groups=SCORE_GROUPS)
    rfm_segment = fields.Selection(
        SEGMENTS,
        "RFM Segment",
        company_dependent=True,
        copy=False,
        groups=SCORE_GROUPS,
    )
    lifecycle_stage = fields.Selection(
        LIFECYCLE_STAGES,
        company_dependent=True,
        copy=False,
        groups=SCORE_GROUPS,
        help="Prospect (no order), New, Active, At risk, Lapsed: from the order history and the "
        "customer's own purchase rhythm.",
    )
    sm_order_count = fields.Integer("Orders (all time)", company_dependent=True, copy=False, groups=SCORE_GROUPS)
    sm_revenue_12m = fields.Float("Revenue (12 months)", company_dependent=True, copy=False, groups=SCORE_GROUPS)
    sm_lifetime_value = fields.Float("Lifetime Value", company_dependent=True, copy=False, groups=SCORE_GROUPS)
    sm_average_order_value = fields.Float(
        "Average Order Value", company_dependent=True, copy=False, groups=SCORE_GROUPS
    )
    sm_first_order_date = fields.Date("First Order", company_dependent=True, copy=False, groups=SCORE_GROUPS)
    sm_last_order_date = fields.Date("Last Order", company_dependent=True, copy=False, groups=SCORE_GROUPS)
    sm_purchase_interval = fields.Float(
        "Purchase Interval (days)",
        company_dependent=True,
        copy=False,
        groups=SCORE_GROUPS,
        help="Median days between orders (3+ orders), the single interval (2 orders) or the "
        "segment's median (fewer).",
    )
    predicted_next_order_date = fields.Date(company_dependent=True, copy=False, groups=SCORE_GROUPS)
    purchase_propensity = fields.Integer(
        company_dependent=True,
        copy=False,
        groups=SCORE_GROUPS,
        help="0-100: how likely an order is soon, from the customer's rhythm.",
    )
    sm_allowed_overdue_days = fields.Integer(
        "Allowed Overdue Days",
        company_dependent=True,
        tracking=True,
        help="Invoices overdue by more than this many days hold the customer's new orders for approval.",
    )
    sm_credit_block = fields.Boolean(
        "Credit Blocked",
        company_dependent=True,
        tracking=True,
        help="Every new order of this customer needs a Credit Approver.",
    )
    birthday = fields.Date()
    sm_birthday_greeted_year = fields.Integer(copy=False, groups="base.group_system")
    sm_winback_sent_date = fields.Date("Win-back Sent", copy=False, readonly=True, groups=SCORE_GROUPS)
    sm_segment_dirty = fields.Boolean(
        "Segment Recompute Queued",
        compute="_compute_sm_segment_dirty",
        groups="base.group_system",
        help="An order of this customer changed since the last incremental segment pass.",
    )
    complaint_ids = fields.One2many("sales.complaint", "partner_id", groups=SCORE_GROUPS)
    complaint_count = fields.Integer(compute="_compute_complaint_count", groups=SCORE_GROUPS)
    open_complaint_count = fields.Integer(compute="_compute_complaint_count", groups=SCORE_GROUPS)

    def _compute_sm_segment_dirty(self):
        queued = self.env["sales.segment.queue"]._queued(self.ids)
        for partner in self:
            partner.sm_segment_dirty = partner.id in queued

    def _compute_complaint_count(self):
        domain = [("partner_id", "child_of", self.commercial_partner_id.ids)]
        groups = self.env["sales.complaint"]._read_group(domain, ["partner_id", "is_closed"], ["__count"])
        total, open_ = {}, {}
        for partner, is_closed, count in groups:
            commercial = partner.commercial_partner_id.id
            total[commercial] = total.get(commercial, 0) + count
            if not is_closed:
                open_[commercial] = open_.get(commercial, 0) + count
        for partner in self:
            partner.complaint_count = total.get(partner.commercial_partner_id.id, 0)
            partner.open_complaint_count = open_.get(partner.commercial_partner_id.id, 0)

    def write(self, vals):
        if "customer_tier_id" in vals and "customer_tier_date" not in vals:
            vals = dict(vals, customer_tier_date=fields.Date.context_today(self))
        return super().write(vals)

    @api.model
    def action_recompute_customer_segments(self, *args):
        """Recompute tiers, RFM, lifecycle, prediction and tags of every customer (managers).

        Callable from the UI and over XML-RPC / JSON-2 (``res.partner`` /
        ``action_recompute_customer_segments``); ignores the records it is called on.
        """
        if not self.env.user.has_group("sales_mgmt_core.group_sales_mgmt_manager"):
            raise AccessError(self.env._("Only Sales Management managers can recompute customer segments."))
        stats = self.env["sales.customer.segmentation"].sudo()._recompute(self.env.companies)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("%(count)s customers scored.", count=stats["scored"]),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_view_complaints(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_mgmt_core.sales_complaint_action")
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    # ------------------------------------------------------------------ follow-up automation
    def _sm_send_template(self, xmlid):
        """Queue ``xmlid`` for each partner with an e-mail; failures are logged, never raised."""
        template = self.env.ref(xmlid, raise_if_not_found=False)
        partners = self.filtered("email")
        if not template or not partners:
            return partners.browse()
        try:
            template.sudo().send_mail_batch(partners.ids)
        except Exception:  # a broken template must not stop the cron for everyone else
            _logger.exception("Could not queue %s for %d partners", xmlid, len(partners))
            return partners.browse()
        return partners

    def _sm_send_winback(self):
        """Win-back e-mail for customers that just entered "lapsed": once per lapse, i.e.
        not again until they have ordered after the last one was sent."""
        due = self.filtered(
            lambda p: not p.sm_winback_sent_date
            or (p.sm_last_order_date and p.sm_last_order_date > p.sm_winback_sent_date)
        )
        sent = due._sm_send_template("sales_mgmt_core.mail_template_customer_winback")
        sent.write({"sm_winback_sent_date": fields.Date.context_today(self)})
        return sent

    @api.model
    def _cron_customer_followups(self):
        """Daily: revisit activities by tier interval, birthday greetings."""
        self._sm_schedule_revisits()
        self._sm_send_birthday_greetings()

    @api.model
    def _sm_schedule_revisits(self):
        activity_type = self.env.ref("sales_mgmt_core.mail_activity_type_customer_revisit")
        today = fields.Date.context_today(self)
        created = self.env["mail.activity"]
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            partners = self.with_company(company).search(
                [
                    ("parent_id", "=", False),
                    ("user_id", "!=", False),
                    ("customer_tier_id.revisit_interval_days", ">", 0),
                    ("sm_last_order_date", "!=", False),
                ]
            )
            due = partners.filtered(
                lambda p, t=today: (t - p.sm_last_order_date).days >= p.customer_tier_id.revisit_interval_days
            )
            if not due:
                continue
            open_ids = {
                a.res_id
                for a in self.env["mail.activity"].search(
                    [
                        ("res_model", "=", "res.partner"),
                        ("res_id", "in", due.ids),
                        ("activity_type_id", "=", activity_type.id),
                    ]
                )
            }
            model_id = self.env["ir.model"]._get_id("res.partner")
            vals_list = [
                {
                    "res_model_id": model_id,
                    "res_id": partner.id,
                    "activity_type_id": activity_type.id,
                    "automated": True,
                    "user_id": partner.user_id.id,
                    "date_deadline": today,
                    "summary": self.env._(
                        "Revisit %(tier)s customer: no order for %(days)s days",
                        tier=partner.customer_tier_id.name,
                        days=(today - partner.sm_last_order_date).days,
                    ),
                }
                for partner in due
                if partner.id not in open_ids
            ]
            created |= self.env["mail.activity"].create(vals_list)
        return created

    @api.model
    def _sm_send_birthday_greetings(self):
        today = fields.Date.context_today(self)
        self.flush_model(["active", "birthday", "email", "sm_birthday_greeted_year"])
        self.env.cr.execute(
            """SELECT id FROM res_partner
                WHERE active AND birthday IS NOT NULL AND email IS NOT NULL
                  AND extract(month FROM birthday) = %s AND extract(day FROM birthday) = %s
                  AND COALESCE(sm_birthday_greeted_year, 0) < %s""",
            [today.month, today.day, today.year],
        )
        partners = self.browse([r[0] for r in self.env.cr.fetchall()])
        sent = partners._sm_send_template("sales_mgmt_core.mail_template_customer_birthday")
        sent.sudo().write({"sm_birthday_greeted_year": today.year})
        return sent
