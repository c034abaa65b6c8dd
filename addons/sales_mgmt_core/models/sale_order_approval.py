import hashlib
import json

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_repr

from ..tools import marks

APPROVER_GROUP = "sales_mgmt_core.group_credit_approver"
# Fields that decide whether an order may be confirmed: written by the approval code only.
PROTECTED_FIELDS = {
    "approval_state",
    "approved_by_id",
    "approved_date",
    "approval_note",
    "rejection_reason",
    "hold_reason_ids",
    "sm_approval_fingerprint",
    "sm_approval_requested_by_id",
    "sm_approval_involved_user_ids",
}
CONFIRMED_STATES = {"sale"}
# Order fields whose change on a confirmed order charges it to another credit account.
AMENDED_ORDER_FIELDS = {"partner_id", "partner_invoice_id", "pricelist_id", "currency_id", "company_id"}
# Transaction marks (cursor cache keys) of the orders the approval code is writing/confirming.
SYSTEM_WRITE = "sales_mgmt_core.approval_write"
CONFIRMING = "sales_mgmt_core.confirming"


class SaleOrder(models.Model):
    """Credit- and stock-checked confirmation: the checks, the hold, the approval and what
    protects them (see README, *Order processing*)."""

    # The approval flow is kept apart from the rest of the order extension (files under ~400 lines).
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    approval_state = fields.Selection(
        [("none", "Not Needed"), ("pending", "Waiting Approval"), ("approved", "Approved"), ("rejected", "Rejected")],
        default="none",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    hold_reason_ids = fields.One2many(
        "sale.order.hold.reason", "order_id", "Approval Reasons", copy=False, readonly=True
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_date = fields.Datetime(readonly=True, copy=False)
    approval_note = fields.Html("Figures at Approval", readonly=True, copy=False, sanitize=True)
    rejection_reason = fields.Text(readonly=True, copy=False)
    sm_approval_fingerprint = fields.Char(
        "Approved Version",
        readonly=True,
        copy=False,
        help="Digest of the order as it was held and then approved; an order that differs from it is checked again.",
    )
    sm_approval_requested_by_id = fields.Many2one("res.users", "Approval Requested By", readonly=True, copy=False)
    sm_approval_involved_user_ids = fields.Many2many(
        "res.users",
        "sale_order_sm_approval_involved_rel",
        "order_id",
        "user_id",
        "Involved in the Order",
        readonly=True,
        copy=False,
        help="Users who asked for, created or sold the order since it was held: none of them may approve it.",
    )
    sm_has_approver = fields.Boolean(
        "Has an Approver",
        compute="_compute_sm_approval_info",
        help="The company has a Credit Approver who did not ask for, create or sell the order.",
    )
    sm_can_approve = fields.Boolean(
        "Can Approve",
        compute="_compute_sm_approval_info",
        help="The current user may approve or reject this held order.",
    )
    sm_approval_outdated = fields.Boolean(
        "Approval Outdated",
        compute="_compute_sm_approval_info",
        help="The order changed since it was approved: confirming it runs the checks again.",
    )

    # ------------------------------------------------------------------ guards
    @api.depends_context("uid")
    def _compute_sm_approval_info(self):
        approvers = self._sm_approvers_by_company()
        for order in self:
            possible = approvers.get(order.company_id.id, self.env["res.users"]) - order._sm_involved_users()
            order.sm_has_approver = bool(possible)
            order.sm_can_approve = (
                order.approval_state == "pending" and order.state in ("draft", "sent") and self.env.user in possible
            )
            order.sm_approval_outdated = bool(
                order.approval_state in ("pending", "approved")
                and order.sm_approval_fingerprint
                and order.sm_approval_fingerprint != order._sm_fingerprint()
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._sm_check_protected_vals(set().union(*vals_list) if vals_list else set(), vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._sm_check_protected_vals(set(vals), [vals])
        if "user_id" in vals:
            self._sm_record_involved(self.filtered(lambda o: o.approval_state != "none"), vals["user_id"])
        # a confirmed order moved to another customer, payer or currency: their credit must hold
        moved = self.filtered(lambda o: o.state == "sale") if AMENDED_ORDER_FIELDS & set(vals) else self.browse()
        result = super().write(vals)
        moved._sm_check_amendment()
        return result

    def _sm_check_protected_vals(self, names, vals_list):
        """Approval fields are written by the approval code only, and an order becomes a sale
        only through ``action_confirm``; whoever calls, whatever the context says."""
        if not marks.all_marked(self, SYSTEM_WRITE):
            if self:
                protected = self._sm_protected_fields() & names
            else:  # create: only the fields' own defaults (none, empty) may come in
                given = [(k[8:], v) for k, v in self.env.context.items() if k.startswith("default_")]
                given += [item for vals in vals_list for item in vals.items()]
                protected = {
                    name
                    for name, value in given
                    if name in self._sm_protected_fields() and value not in (False, None, "none", [], 0)
                }
            if protected:
                field = self._fields[sorted(protected)[0]]
                raise AccessError(
                    self.env._(
                        "%(field)s is set by the approval actions only (Confirm, Approve, Reject).",
                        field=field._description_string(self.env),
                    )
                )
        if not self and self.env.context.get("default_state") in CONFIRMED_STATES:
            raise UserError(self.env._("An order becomes a sales order only through Confirm (action_confirm)."))
        if any(vals.get("state") in CONFIRMED_STATES for vals in vals_list):
            if not marks.all_marked(self, CONFIRMING):
                raise UserError(self.env._("An order becomes a sales order only through Confirm (action_confirm)."))

    def _sm_protected_fields(self):
        """Fields that decide whether an order may be confirmed (other addons add theirs)."""
        return set(PROTECTED_FIELDS)

    def _sm_mark(self, key):
        """Mark these orders under ``key`` for the duration of a ``with`` block (see tools/marks.py)."""
        return marks.marked(self, key)

    def _sm_system_write(self, vals):
        with self._sm_mark(SYSTEM_WRITE):
            return self.sudo().write(vals)

    def _sm_record_involved(self, orders, user_ids):
        """Remember every user who asked for, created or sold an order since it was held: none
        of them may approve it."""
        users = self.env["res.users"].browse([u for u in ([user_ids] if isinstance(user_ids, int) else user_ids) if u])
        for order in orders:
            missing = users - order.sudo().sm_approval_involved_user_ids
            if missing:
                order._sm_system_write({"sm_approval_involved_user_ids": [Command.link(u.id) for u in missing]})

    def _sm_involved_users(self):
        """Users who may not decide on this order: who asked for, created or sold it."""
        self.ensure_one()
        order = self.sudo()
        return (order.sm_approval_involved_user_ids | order.user_id | order.create_uid).sudo(False)

    def _sm_fingerprint(self):
        """What an approval holds for: customer, invoiced and delivery partners, company,
        currency, pricelist, fiscal position, amounts and every line."""
        self.ensure_one()
        rounding = self.currency_id.decimal_places or 2
        lines = [
            (
                line.id,
                line.display_type or "",
                line.product_id.id,
                line.product_uom_id.id,
                float_repr(line.product_uom_qty, 6),
                float_repr(line.price_unit, 6),
                float_repr(line.discount, 6),
                sorted(line.tax_ids.ids),
                float_repr(line.price_total, rounding),
            )
            for line in self.order_line.sorted("id")
        ]
        data = [
            self.partner_id.id,
            self.partner_id.commercial_partner_id.id,
            self.partner_invoice_id.id,
            self.partner_shipping_id.id,
            self.company_id.id,
            self.currency_id.id,
            self.pricelist_id.id,
            self.fiscal_position_id.id,
            self.warehouse_id.id,
            float_repr(self.amount_untaxed, rounding),
            float_repr(self.amount_total, rounding),
            lines,
        ]
        return hashlib.sha256(json.dumps(data, separators=(",", ":")).encode()).hexdigest()

    # ------------------------------------------------------------------ confirmation
    def action_confirm(self):
        """Confirm the orders that pass the checks, in sequence (each sees the batch's earlier
        accepted orders); hold the others for a Credit Approver.

        Every confirmation path ends here (form, list, RPC, imports, jobs, website); an order
        approved for exactly what it is now skips the checks.
        """
        held = self._sm_run_checks()
        passing = self - held
        if passing:
            with passing._sm_mark(CONFIRMING):
                super(SaleOrder, passing).action_confirm()
        return True

    def _action_cancel(self):
        result = super()._action_cancel()
        self._sm_clear_approval(self.env._("Order cancelled: the approval no longer holds."))
        return result

    def _sm_check_amendment(self):
        """Confirmed orders whose lines grew must still pass the credit check, counting
        themselves as ordered and not invoiced; otherwise the change is refused (sell the
        extra on a new quotation, which goes through approval)."""
        failures = self.env["sale.order.credit.check"]._sm_amendment_failures(self)
        if failures:
            raise UserError(
                self.env._(
                    "This change raises what confirmed orders commit their customers to beyond their credit:\n"
                    "%(reasons)s\nPut the extra on a new quotation: it goes through approval.",
                    reasons="\n".join(f"{order.name}: {m}" for order, messages in failures.items() for m in messages),
                )
            )

    def _sm_confirmation_checks(self):
        """Models of the checks run at confirmation, in order. A check model implements
        ``_sm_prepare(orders)`` returning an object with ``evaluate(order)`` (failures, as hold
        reason values), ``accept(order)`` and ``done(accepted_orders)``."""
        return ["sale.order.credit.check", "sale.order.stock.check"]

    def _sm_run_checks(self):
        """Run the checks on the quotations of this batch; hold the failing ones. Returns them."""
        quotations = self.filtered(lambda o: o.state in ("draft", "sent"))
        approved = quotations.filtered(lambda o: o.approval_state == "approved")
        outdated = approved.filtered(lambda o: o.sm_approval_fingerprint != o._sm_fingerprint())
        outdated._sm_clear_approval(self.env._("The order changed after its approval: the approval no longer holds."))
        to_check = quotations - (approved - outdated)
        checkers = [self.env[name]._sm_prepare(to_check) for name in self._sm_confirmation_checks()] if to_check else []
        held = {}
        for order in to_check:
            failures = [failure for checker in checkers for failure in checker.evaluate(order)]
            if failures:
                held[order] = failures
            else:
                for checker in checkers:
                    checker.accept(order)
        accepted = to_check.filtered(lambda o: o not in held)
        for checker in checkers:
            checker.done(accepted)
        accepted.filtered(lambda o: o.approval_state == "pending")._sm_clear_approval(
            self.env._("The checks pass now: confirmed without approval.")
        )
        for order, failures in held.items():
            order._sm_put_on_hold(failures)
        return self.browse([order.id for order in held])

    def _sm_put_on_hold(self, failures):
        self.ensure_one()
        self._sm_system_write(
            {
                "approval_state": "pending",
                "rejection_reason": False,
                "sm_approval_requested_by_id": self.env.uid,
                "sm_approval_fingerprint": self._sm_fingerprint(),
                "hold_reason_ids": [Command.clear()]
                + [Command.create({k: v for k, v in f.items() if k != "translations"}) for f in failures],
            }
        )
        self.hold_reason_ids._sm_store_translations([f.get("translations") for f in failures])
        self._sm_record_involved(self, [self.env.uid, self.user_id.id, self.create_uid.id])
        self.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (
                self.env._("Confirmation held for approval:"),
                Markup().join(Markup("<li>%s</li>") % f["message"] for f in failures),
            ),
            subtype_xmlid="mail.mt_note",
        )
        self._sm_schedule_approval_activities()

    def _sm_clear_approval(self, message):
        """Void the approval of these orders (pending or approved): state back to none,
        approvers' activities removed, a note in the chatter."""
        orders = self.filtered(lambda o: o.approval_state != "none")
        for order in orders:
            order._sm_system_write({"approval_state": "none", "sm_approval_fingerprint": False})
            order.message_post(body=message, subtype_xmlid="mail.mt_note")
        # whoever voids it (e.g. the salesperson cancelling a held order): approvers' activities only
        # their assignee or an approver may remove (models/mail_activity.py)
        orders.sudo().activity_unlink(["sales_mgmt_core.mail_activity_type_order_approval"])
        return orders
