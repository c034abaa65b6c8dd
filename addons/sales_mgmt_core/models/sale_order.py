import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_amount

from ..tools import approval

_logger = logging.getLogger(__name__)

APPROVER_GROUP = "sales_mgmt_core.group_credit_approver"
# Context key an approver may set to confirm without the checks; ignored for anyone else.
SKIP_CHECKS_KEY = "sales_mgmt_skip_checks"
FULFILMENT_STATES = [
    ("quotation", "Quotation"),
    ("waiting_approval", "Waiting Approval"),
    ("confirmed", "Confirmed"),
    ("partially_shipped", "Partially Shipped"),
    ("shipped", "Shipped"),
    ("delivered", "Delivered"),
    ("returned", "Returned"),
    ("cancelled", "Cancelled"),
]


class SaleOrder(models.Model):
    _inherit = "sale.order"

    complaint_ids = fields.One2many("sales.complaint", "order_id", groups="sales_team.group_sale_salesman")
    complaint_count = fields.Integer(compute="_compute_complaint_count", groups="sales_team.group_sale_salesman")
    approval_state = fields.Selection(
        [("none", "Not Needed"), ("pending", "Waiting Approval"), ("approved", "Approved"), ("rejected", "Rejected")],
        default="none",
        required=True,
        copy=False,
        tracking=True,
        index=True,
    )
    hold_reason_ids = fields.One2many("sale.order.hold.reason", "order_id", "Approval Reasons", copy=False)
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_date = fields.Datetime(readonly=True, copy=False)
    approval_note = fields.Html("Figures at Approval", readonly=True, copy=False, sanitize=True)
    rejection_reason = fields.Text(readonly=True, copy=False)
    fulfilment_status = fields.Selection(
        FULFILMENT_STATES,
        compute="_compute_fulfilment_status",
        store=True,
        index=True,
        help="Derived from approval and pickings: waiting approval, confirmed, partially shipped, "
        "shipped (everything left the warehouse), delivered (customer receipt confirmed), returned.",
    )
    sm_import_ref = fields.Char(
        "Import Reference",
        copy=False,
        index="btree_not_null",
        readonly=True,
        help="Order reference of the spreadsheet this order was imported from.",
    )
    delivered_date = fields.Datetime(
        "Delivery Confirmed",
        copy=False,
        tracking=True,
        help="Set when the carrier or the customer confirms receipt.",
    )

    _sm_import_ref_uniq = models.Constraint(
        "unique(company_id, sm_import_ref)", "An order with this import reference already exists in this company."
    )

    @api.depends(
        "state",
        "approval_state",
        "delivered_date",
        "order_line.qty_delivered",
        "order_line.product_uom_qty",
        "picking_ids.state",
    )
    def _compute_fulfilment_status(self):
        for order in self:
            order.fulfilment_status = order._sm_fulfilment_status()

    def _sm_fulfilment_status(self):
        self.ensure_one()
        if self.state == "cancel":
            return "cancelled"
        if self.state in ("draft", "sent"):
            return "waiting_approval" if self.approval_state == "pending" else "quotation"
        returns = self.picking_ids.filtered(lambda p: p.state == "done" and p.picking_type_code == "incoming")
        if returns:
            return "returned"
        lines = self.order_line.filtered(lambda line: line.product_id.type == "consu" and not line.display_type)
        delivered = [line.qty_delivered for line in lines]
        if not lines or not any(delivered):
            return "confirmed"
        if all(line.qty_delivered >= line.product_uom_qty for line in lines):
            return "delivered" if self.delivered_date else "shipped"
        return "partially_shipped"

    def _compute_complaint_count(self):
        counts = dict(
            self.env["sales.complaint"]._read_group([("order_id", "in", self.ids)], ["order_id"], ["__count"])
        )
        for order in self:
            order.complaint_count = counts.get(order, 0)

    def write(self, vals):
        if {"partner_id", "partner_invoice_id", "company_id"} & set(vals):
            self._sm_reset_approval()
        return super().write(vals)

    # ------------------------------------------------------------------ confirmation
    def action_confirm(self):
        """Confirm the orders that pass the credit and stock checks; hold the others.

        Held orders stay quotations with ``approval_state = pending``, their reasons and an
        activity for the Credit Approvers. Approved orders and approvers' explicit bypass
        skip the checks; nobody else can skip them, whatever the context says.
        """
        skip = self.env.context.get(SKIP_CHECKS_KEY) and self.env.user.has_group(APPROVER_GROUP)
        to_check = self.browse() if skip else self.filtered(lambda o: o.approval_state != "approved")
        held = to_check._sm_hold_failing_orders()
        passing = self - held
        if passing:
            super(SaleOrder, passing).action_confirm()
            passing._sm_mark_customers_dirty()
            self.env["sales.stock.alert"]._queue_evaluation(passing.order_line.product_id)
            passing._sm_notify_customer("sales_mgmt_core.mail_template_order_confirmed")
        return True

    def _action_cancel(self):
        result = super()._action_cancel()
        self._sm_mark_customers_dirty()
        self.activity_unlink(["sales_mgmt_core.mail_activity_type_order_approval"])
        return result

    def _sm_hold_failing_orders(self):
        """Run the checks; put the failing orders on hold. Returns the held orders."""
        held = self.browse()
        quotations = self.filtered(lambda o: o.state in ("draft", "sent"))
        quotations._sm_lock_credit()
        for order in quotations:
            failures = order._sm_check_credit() + order._sm_check_stock()
            if failures:
                order._sm_put_on_hold(failures)
                held |= order
        return held

    def _sm_credit_partner(self):
        """The customer whose credit an order uses: the invoiced commercial partner."""
        self.ensure_one()
        return self.partner_invoice_id.commercial_partner_id or self.partner_id.commercial_partner_id

    def _sm_credit_limit(self):
        """Credit limit of the order's customer in company currency (0: none): the customer's
        own, else their tier's, else the company default when enabled."""
        self.ensure_one()
        company = self.company_id
        partner_c = self._sm_credit_partner().with_company(company).sudo()
        limit = partner_c.credit_limit if partner_c.use_partner_credit_limit else 0.0
        if not limit:
            tier = partner_c.customer_tier_id
            limit = tier.credit_limit if tier and tier.credit_limit else 0.0
        if not limit and company.account_use_credit_limit:
            limit = company.account_default_credit_limit
        return limit

    def _sm_lock_credit(self):
        """Lock the (customer, company) credit rows of these orders' customers that have a credit
        limit, all at once in one order: a concurrent confirmation for the same customer waits,
        then fails to serialize and is retried by Odoo, seeing these orders; two batches sharing
        customers wait for each other instead of deadlocking. Without a limit, nothing another
        confirmation does changes the outcome (blocked flag, overdue invoices), so
        confirmations do not wait for each other."""
        self.env["sales.credit.lock"]._lock_many(
            {(order._sm_credit_partner().id, order.company_id.id) for order in self if order._sm_credit_limit()}
        )

    def _sm_credit_figures(self):
        """Credit figures of the order's commercial partner, in company currency (callers lock
        the credit rows first, see ``_sm_lock_credit``)."""
        self.ensure_one()
        company = self.company_id
        partner = self._sm_credit_partner()
        limit = self._sm_credit_limit()
        partner_c = partner.with_company(company).sudo()
        overdue_before = fields.Date.context_today(self) - timedelta(days=partner_c.sm_allowed_overdue_days or 0)
        self.env.flush_all()
        receivable, overdue = self.env.execute_query(
            SQL(
                """
            SELECT COALESCE(SUM(aml.amount_residual), 0),
                   COALESCE(SUM(aml.amount_residual) FILTER (
                       WHERE aml.date_maturity < %(overdue_before)s AND aml.amount_residual > 0), 0)
              FROM account_move_line aml
              JOIN account_account acc ON acc.id = aml.account_id
             WHERE acc.account_type = 'asset_receivable'
               AND aml.parent_state = 'posted'
               AND aml.reconciled IS NOT TRUE
               AND aml.company_id = %(company)s
               AND aml.partner_id IN (SELECT id FROM res_partner WHERE commercial_partner_id = %(partner)s)
            """,
                overdue_before=overdue_before,
                company=company.id,
                partner=partner.id,
            )
        )[0]
        (to_invoice,) = self.env.execute_query(
            SQL(
                """
            SELECT COALESCE(SUM(l.untaxed_amount_to_invoice
                                * so.amount_total / NULLIF(so.amount_untaxed, 0)
                                / COALESCE(NULLIF(so.currency_rate, 0), 1.0)), 0)
              FROM sale_order_line l
              JOIN sale_order so ON so.id = l.order_id
             WHERE so.state = 'sale' AND so.company_id = %(company)s AND so.id != %(order)s
               AND l.untaxed_amount_to_invoice > 0
               AND so.partner_invoice_id IN (SELECT id FROM res_partner WHERE commercial_partner_id = %(partner)s)
            """,
                company=company.id,
                order=self.id or 0,
                partner=partner.id,
            )
        )[0]
        return approval.CreditFigures(
            limit=limit,
            receivable=float(receivable),
            to_invoice=float(to_invoice),
            order_amount=self.amount_total / (self.currency_rate or 1.0),
            overdue=float(overdue),
            blocked=bool(partner_c.sm_credit_block),
        )

    def _sm_check_credit(self):
        self.ensure_one()
        figures = self._sm_credit_figures()
        currency = self.company_id.currency_id
        result = []
        for check, values in approval.credit_failures(figures):
            if check == "blocked":
                message = self.env._("The customer is blocked for credit reasons.")
            elif check == "credit_limit":
                message = self.env._(
                    "Exposure %(exposure)s exceeds the credit limit %(limit)s "
                    "(receivables %(receivable)s + to invoice %(to_invoice)s + this order %(order)s).",
                    exposure=format_amount(self.env, figures.exposure, currency),
                    limit=format_amount(self.env, figures.limit, currency),
                    receivable=format_amount(self.env, figures.receivable, currency),
                    to_invoice=format_amount(self.env, figures.to_invoice, currency),
                    order=format_amount(self.env, figures.order_amount, currency),
                )
            else:
                message = self.env._(
                    "Overdue invoices: %(amount)s past their due date.",
                    amount=format_amount(self.env, figures.overdue, currency),
                )
            result.append({"check": check, "message": message, **values})
        return result

    def _sm_check_stock(self):
        self.ensure_one()
        policy = self.company_id.sm_stock_check_policy
        if policy == "ignore":
            return []
        needs = {}
        for line in self.order_line.filtered(lambda line: line.product_id.is_storable and not line.display_type):
            qty = line.product_uom_id._compute_quantity(line.product_uom_qty, line.product_id.uom_id)
            needs[line.product_id.id] = needs.get(line.product_id.id, 0.0) + qty
        if not needs:
            return []
        products = self.env["product.product"].browse(list(needs)).with_context(warehouse_id=self.warehouse_id.id)
        free = {p.id: p.free_qty for p in products}
        at_date = self.commitment_date or fields.Datetime.now()
        forecast = {p.id: p.virtual_available for p in products.with_context(to_date=at_date)}
        result = []
        for product_id, ordered, available, missing in approval.stock_shortages(needs, free, forecast):
            product = self.env["product.product"].browse(product_id)
            result.append(
                {
                    "check": "stock",
                    "product_id": product_id,
                    "ordered_qty": ordered,
                    "available_qty": available,
                    "missing_qty": missing,
                    "message": self.env._(
                        "%(product)s: %(ordered)s %(uom)s ordered, %(available)s available in %(warehouse)s "
                        "(free now or forecast by %(date)s), %(missing)s missing.",
                        product=product.display_name,
                        ordered=ordered,
                        available=available,
                        missing=missing,
                        uom=product.uom_id.name,
                        warehouse=self.warehouse_id.name,
                        date=fields.Date.to_string(at_date.date()),
                    ),
                }
            )
        if result and policy == "warn":
            self.message_post(
                body=Markup("<p>%s</p><ul>%s</ul>")
                % (
                    self.env._("Stock warning at confirmation:"),
                    Markup().join(Markup("<li>%s</li>") % r["message"] for r in result),
                ),
            )
            return []
        return result

    def _sm_put_on_hold(self, failures):
        self.ensure_one()
        self.hold_reason_ids.unlink()
        self.write(
            {
                "approval_state": "pending",
                "hold_reason_ids": [fields.Command.create(f) for f in failures],
            }
        )
        self.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (
                self.env._("Confirmation held for approval:"),
                Markup().join(Markup("<li>%s</li>") % f["message"] for f in failures),
            ),
            subtype_xmlid="mail.mt_note",
        )
        self._sm_schedule_approval_activities()

    def _sm_schedule_approval_activities(self):
        activity_type = self.env.ref("sales_mgmt_core.mail_activity_type_order_approval")
        approvers = (
            self.env.ref("sales_mgmt_core.group_credit_approver")
            .sudo()
            .all_user_ids.filtered(lambda u: u.active and not u.share and self.company_id in u.company_ids)
        )
        open_for = set(self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type).user_id.ids)
        for user in approvers:
            if user.id not in open_for:
                self.activity_schedule(
                    act_type_xmlid="sales_mgmt_core.mail_activity_type_order_approval",
                    user_id=user.id,
                    summary=self.env._("Approve or reject %(order)s", order=self.name),
                )

    def _sm_reset_approval(self):
        """Anything that changes what was approved voids the approval."""
        to_reset = self.filtered(
            lambda o: o.approval_state in ("approved", "rejected") and o.state in ("draft", "sent")
        )
        if to_reset:
            to_reset.with_context(sm_resetting_approval=True).write({"approval_state": "none"})
            for order in to_reset:
                order.message_post(body=self.env._("Order changed after the approval decision: approval reset."))
        return to_reset

    # ------------------------------------------------------------------ approval actions
    def _sm_check_approver(self):
        if not self.env.user.has_group(APPROVER_GROUP):
            raise AccessError(self.env._("Only Credit Approvers can approve or reject held orders."))
        for order in self:
            if order.user_id == self.env.user:
                raise UserError(
                    self.env._(
                        "You are the salesperson of %(order)s: another Credit Approver must decide on it.",
                        order=order.name,
                    )
                )
            if order.approval_state != "pending":
                raise UserError(self.env._("%(order)s is not waiting for approval.", order=order.name))

    def action_approve(self):
        self._sm_check_approver()
        self._sm_lock_credit()
        for order in self:
            figures = order._sm_credit_figures()
            currency = order.company_id.currency_id
            note = Markup("<ul><li>%s: %s</li><li>%s: %s</li><li>%s: %s</li><li>%s</li></ul>") % (
                self.env._("Credit limit"),
                format_amount(self.env, figures.limit, currency),
                self.env._("Exposure"),
                format_amount(self.env, figures.exposure, currency),
                self.env._("Overdue"),
                format_amount(self.env, figures.overdue, currency),
                Markup("</li><li>").join(order.hold_reason_ids.mapped("message")),
            )
            order.write(
                {
                    "approval_state": "approved",
                    "approved_by_id": self.env.user.id,
                    "approved_date": fields.Datetime.now(),
                    "approval_note": note,
                }
            )
            order.activity_feedback(
                ["sales_mgmt_core.mail_activity_type_order_approval"],
                feedback=self.env._("Approved by %(user)s", user=self.env.user.name),
            )
            order.message_post(body=Markup("<p>%s</p>%s") % (self.env._("Approved."), note))
        return self.action_confirm()

    def action_reject(self, reason=None):
        self._sm_check_approver()
        if not reason or not str(reason).strip():
            raise UserError(self.env._("Give the reason of the rejection: the salesperson needs it."))
        for order in self:
            order.write({"approval_state": "rejected", "rejection_reason": reason})
            order.activity_feedback(
                ["sales_mgmt_core.mail_activity_type_order_approval"],
                feedback=self.env._("Rejected: %(reason)s", reason=reason),
            )
            order.message_post(
                body=self.env._("Rejected by %(user)s: %(reason)s", user=self.env.user.name, reason=reason)
            )
        return True

    def action_open_reject_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject Order"),
            "res_model": "sale.order.reject.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_ids": self.ids},
        }

    def action_open_return_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Return Request"),
            "res_model": "sale.order.return.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def action_mark_delivered(self):
        self.filtered(lambda o: o.fulfilment_status == "shipped").write({"delivered_date": fields.Datetime.now()})

    # ------------------------------------------------------------------ helpers
    def _sm_notify_customer(self, template_xmlid, picking=None):
        """Send a customer notification; failures are logged and never block the order.

        The shipping notice renders on the picking (carrier, tracking reference) and is
        posted on the order.
        """
        for order in self.filtered(lambda o: o.company_id.sm_send_order_notifications and o.partner_id.email):
            try:
                with self.env.cr.savepoint():
                    template = self.env.ref(template_xmlid)
                    record = picking or order
                    values = template._generate_template([record.id], ["subject", "body_html"])[record.id]
                    order.with_context(mail_notify_force_send=False).message_post(
                        body=values["body_html"],
                        subject=values["subject"],
                        partner_ids=order.partner_id.ids,
                        subtype_xmlid="mail.mt_comment",
                        message_type="comment",
                    )
            except Exception:
                _logger.exception("Could not send %s for %s", template_xmlid, order.name)
                order.message_post(
                    body=self.env._("The customer notification could not be sent; see the server log."),
                    subtype_xmlid="mail.mt_note",
                )

    def _sm_mark_customers_dirty(self):
        """Queue the customers for the incremental segment recompute (one INSERT)."""
        partner_ids = self.partner_id.commercial_partner_id.ids
        if partner_ids:
            self.env["sales.segment.queue"]._enqueue(partner_ids)
            self.env["res.partner"].invalidate_model(["sm_segment_dirty"])

    def action_view_complaints(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_mgmt_core.sales_complaint_action")
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"default_order_id": self.id, "default_partner_id": self.partner_id.id}
        return action
