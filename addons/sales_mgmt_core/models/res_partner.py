from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools import marks
from ..tools.segmentation import LIFECYCLE_STAGES, SEGMENTS

# Scores are shown on res.partner to users who see every customer; other salespeople read
# the scores of their own customers through ``sales.customer.score`` (record rules).
SCORE_GROUPS = "sales_team.group_sale_salesman_all_leads"
SALESMAN_GROUP = "sales_team.group_sale_salesman"
# Who may change a customer's credit controls.
CREDIT_GROUPS = "sales_mgmt_core.group_credit_approver,sales_mgmt_core.group_sales_mgmt_manager"
CREDIT_CONTROL_FIELDS = frozenset(
    {"customer_tier_id", "sm_credit_block", "sm_allowed_overdue_days", "credit_limit", "use_partner_credit_limit"}
)
# cr.cache key: partners whose protected fields server code is writing (see _sm_protected_write_allowed).
PROTECTED_WRITE = "sales_mgmt_partner_protected_write"
# Figures written by the segment recompute (superuser) only.
COMPUTED_SCORE_FIELDS = frozenset(
    """customer_tier_date rfm_recency_score rfm_frequency_score rfm_monetary_score rfm_segment lifecycle_stage
    sm_order_count sm_revenue_12m sm_lifetime_value sm_average_order_value sm_first_order_date sm_last_order_date
    sm_purchase_interval predicted_next_order_date purchase_propensity sm_winback_sent_date""".split()
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Scores are per company (company_dependent: one JSONB column, searchable and groupable
    # for the current company). They live on the commercial partner; contacts roll up to it.
    # The tier is a credit control too (its credit limit applies): see _sm_check_protected_fields.
    customer_tier_id = fields.Many2one(
        "sales.customer.tier",
        company_dependent=True,
        tracking=True,
        copy=False,
        groups=SCORE_GROUPS,
    )
    customer_tier_date = fields.Date(
        "Tier Since", company_dependent=True, copy=False, readonly=True, groups=SCORE_GROUPS
    )
    rfm_recency_score = fields.Integer(
        "Recency", company_dependent=True, copy=False, readonly=True, groups=SCORE_GROUPS
    )
    rfm_frequency_score = fields.Integer(
        "Frequency", company_dependent=True, copy=False, readonly=True, groups=SCORE_GROUPS
    )
    rfm_monetary_score = fields.Integer(
        "Monetary", company_dependent=True, copy=False, readonly=True, groups=SCORE_GROUPS
    )
    rfm_segment = fields.Selection(
        SEGMENTS,
        "RFM Segment",
        company_dependent=True,
        copy=False,
        readonly=True,
        groups=SCORE_GROUPS,
    )
    lifecycle_stage = fields.Selection(
        LIFECYCLE_STAGES,
        company_dependent=True,
        copy=False,
        readonly=True,
        groups=SCORE_GROUPS,
        help="Prospect (no order), New customer, Active customer, At risk, Lapsed: from the order history "
        "and the customer's purchase rhythm; never at risk within 7 days of an order.",
    )
    sm_order_count = fields.Integer(
        "Orders (all time)", company_dependent=True, copy=False, readonly=True, groups=SCORE_GROUPS
    )
    sm_revenue_12m = fields.Float(
        "Revenue (12 months)", company_dependent=True, copy=False, readonly=True, groups=SCORE_GROUPS
    )
    sm_lifetime_value = fields.Float(
        "Lifetime Value", company_dependent=True, copy=False, readonly=True, groups=SCORE_GROUPS
    )
    sm_average_order_value = fields.Float(
        "Average Order Value", company_dependent=True, copy=False, readonly=True, groups=SCORE_GROUPS
    )
    sm_first_order_date = fields.Date(
        "First Order", company_dependent=True, copy=False, readonly=True, groups=SCORE_GROUPS
    )
    sm_last_order_date = fields.Date(
        "Last Order", company_dependent=True, copy=False, readonly=True, groups=SCORE_GROUPS
    )
    sm_purchase_interval = fields.Float(
        "Purchase Interval (days)",
        company_dependent=True,
        copy=False,
        readonly=True,
        groups=SCORE_GROUPS,
        help="Days expected between two orders, never fewer than 7: the median of the customer's own intervals "
        "from 3 order days on; with fewer, that of customers of the same segment (one order has no interval, "
        "and a single interval counts only when longer).",
    )
    predicted_next_order_date = fields.Date(company_dependent=True, copy=False, readonly=True, groups=SCORE_GROUPS)
    purchase_propensity = fields.Integer(
        company_dependent=True,
        copy=False,
        readonly=True,
        groups=SCORE_GROUPS,
        help="0-100: how likely an order is soon, from the customer's rhythm.",
    )
    sm_score_ids = fields.Many2many(
        "sales.customer.score",
        string="Customer Scores",
        compute="_compute_sm_score_ids",
        compute_sudo=False,
        groups=SALESMAN_GROUP,
        help="The customer's scores in the current company, when you may see them.",
    )
    sm_scores_pending = fields.Boolean(
        "Scores Being Updated",
        compute="_compute_sm_scores_pending",
        groups=SALESMAN_GROUP,
        help="An order of this customer was confirmed or cancelled since its scores were computed.",
    )
    sm_scores_next_update = fields.Datetime(
        "Next Score Update", compute="_compute_sm_scores_pending", groups=SALESMAN_GROUP
    )
    sm_allowed_overdue_days = fields.Integer(
        "Allowed Overdue Days",
        company_dependent=True,
        tracking=True,
        copy=False,
        help="Invoices overdue by more than this many days hold the customer's new orders for approval.",
    )
    sm_credit_block = fields.Boolean(
        "Credit Blocked",
        company_dependent=True,
        tracking=True,
        copy=False,
        help="Every new order of this customer needs a Credit Approver.",
    )
    sm_can_edit_credit = fields.Boolean(
        "Can Change Credit Controls",
        compute="_compute_sm_can_edit_credit",
        help="Credit Approvers and Sales Management managers change the tier, credit limit, "
        "credit block and allowed overdue days.",
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
    complaint_ids = fields.One2many("sales.complaint", "partner_id", groups=SALESMAN_GROUP)
    complaint_count = fields.Integer(compute="_compute_complaint_count", groups=SALESMAN_GROUP)
    open_complaint_count = fields.Integer(compute="_compute_complaint_count", groups=SALESMAN_GROUP)

    @api.depends_context("company", "uid")
    def _compute_sm_score_ids(self):
        scores = self.env["sales.customer.score"]._sm_of_partners(self.commercial_partner_id)
        by_partner = {score.partner_id.id: score for score in scores}
        for partner in self:
            partner.sm_score_ids = by_partner.get(partner.commercial_partner_id.id, scores.browse())

    def _compute_sm_scores_pending(self):
        # the queue is a plain table (no access rules): whether a recompute is due is no secret
        queued = self.env["sales.segment.queue"]._queued(self.commercial_partner_id.ids)
        cron = self.env.ref("sales_mgmt_core.ir_cron_customer_segments_incremental", raise_if_not_found=False)
        nextcall = cron.sudo().nextcall if cron and cron.sudo().active else False
        for partner in self:
            partner.sm_scores_pending = partner.commercial_partner_id.id in queued
            partner.sm_scores_next_update = nextcall if partner.sm_scores_pending else False

    @api.depends_context("uid")
    def _compute_sm_can_edit_credit(self):
        self.sm_can_edit_credit = self._sm_can_edit_credit()

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

    @api.model_create_multi
    def create(self, vals_list):
        self._sm_check_protected_fields(vals_list, create=True)
        return super().create(vals_list)

    def write(self, vals):
        self._sm_check_protected_fields([vals])
        if {"parent_id", "is_company"} & set(vals) and not self._sm_can_edit_credit():
            self._sm_check_reparenting(vals)
        retiered = self.browse()
        if "customer_tier_id" in vals and "customer_tier_date" not in vals:
            tier_id = vals["customer_tier_id"] or False
            retiered = self.filtered(lambda p: p.sudo().customer_tier_id.id != tier_id)
        result = super().write(vals)
        if retiered:
            # "Tier Since" is a computed figure (refused above): only this code path sets it by hand.
            super(ResPartner, retiered).write({"customer_tier_date": fields.Date.context_today(self)})
        return result

    # ------------------------------------------------------------------ tracking
    def _track_get_default_log_message(self, tracked_fields):
        """A tier change logs a line every reader may see: its tracking value is shown only to
        who may read the tier (``groups``), and a message left with nothing visible reads as
        "This message has been deleted" to the customer's salespeople."""
        if "customer_tier_id" in tracked_fields:
            return self.env._("Customer tier changed.")
        return super()._track_get_default_log_message(tracked_fields)

    # ------------------------------------------------------------------ protected fields
    def _sm_can_edit_credit(self):
        return self.env.su or self.env.user.has_groups(CREDIT_GROUPS)

    def _sm_check_protected_fields(self, vals_list, create=False):
        """Refuse changes of credit controls by users who may not change them, and of computed
        scores by anyone but the segment recompute (superuser), whatever the path (form,
        import, RPC). A value equal to the current one (on create: to the company-wide default)
        is no change, so imports and forms that send every column keep working. On create,
        what the ORM would fill in from context or personal defaults counts as a value."""
        if self.env.su or marks.all_marked(self, PROTECTED_WRITE):
            return
        if create:
            names = (CREDIT_CONTROL_FIELDS | COMPUTED_SCORE_FIELDS) & set(self._fields)
            defaults = self.default_get(sorted(names))
            vals_list = [{**defaults, **vals} for vals in vals_list]
        else:
            names = set().union(*vals_list)
        protected = names & COMPUTED_SCORE_FIELDS
        if not self._sm_can_edit_credit():
            protected |= names & CREDIT_CONTROL_FIELDS
        for name in sorted(protected & set(self._fields)):
            field = self._fields[name]
            if not any(name in vals and self._sm_changes(field, vals[name], create) for vals in vals_list):
                continue
            label = field._description_string(self.env)
            if name in COMPUTED_SCORE_FIELDS:
                raise AccessError(
                    self.env._(
                        "%(field)s is computed by the customer segment recompute and cannot be changed by hand.",
                        field=label,
                    )
                )
            raise AccessError(
                self.env._(
                    "You are not allowed to change %(field)s: only Credit Approvers and Sales Management "
                    "managers change the credit controls of a customer.",
                    field=label,
                )
            )

    def _sm_check_reparenting(self, vals):
        """Moving a partner to or from a company changes whose credit its orders use (its
        commercial partner): refused to users who may not change credit controls when either
        side has credit controls (blocked, own limit, allowed overdue days, a tier with a
        limit) — or it would lift a block or a limit without them."""
        new_parent = self.browse(vals.get("parent_id")) if "parent_id" in vals else None
        for partner in self.sudo():
            parent = partner.parent_id if new_parent is None else new_parent.sudo()
            is_company = vals.get("is_company", partner.is_company)
            after = partner if is_company or not parent else parent.commercial_partner_id
            before = partner.commercial_partner_id
            if after == before:
                continue
            for side_c in (side.with_company(company) for side in before | after for company in self.env.companies):
                if (
                    side_c.sm_credit_block
                    or side_c.use_partner_credit_limit
                    or side_c.sm_allowed_overdue_days
                    or side_c.customer_tier_id.credit_limit
                ):
                    raise AccessError(
                        self.env._(
                            "Moving %(partner)s from %(before)s to %(after)s changes whose credit its orders use: "
                            "only Credit Approvers and Sales Management managers may do it.",
                            partner=partner.display_name,
                            before=before.display_name,
                            after=after.display_name,
                        )
                    )

    def _sm_protected_write_allowed(self):
        """Let server code write the protected fields of these partners for the duration of a
        ``with`` block, in this transaction only (see tools/marks.py)."""
        return marks.marked(self, PROTECTED_WRITE)

    def _sm_changes(self, field, value, create):
        """Whether ``value`` changes ``field`` on one of these partners (on create: differs
        from the company-wide default, which ignores context and personal defaults)."""
        partners = self.sudo()
        new = self._sm_normalize(field, value, partners)
        if create:
            default = field.get_company_dependent_fallback(partners) if field.company_dependent else False
            return new != self._sm_normalize(field, default, partners)
        return any(new != self._sm_normalize(field, partner[field.name], partner) for partner in partners)

    @staticmethod
    def _sm_normalize(field, value, records):
        """``value`` in a comparable form: ids for records, 0 for an empty number."""
        value = field.convert_to_cache(value, records, validate=False)
        if field.type == "float":
            return round(value or 0.0, 6)
        if field.type in ("integer", "boolean"):
            return int(value or 0)
        return value or False

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
