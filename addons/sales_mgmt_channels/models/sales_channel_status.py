import logging

from odoo import api, models
from odoo.exceptions import UserError, ValidationError

_logger = logging.getLogger(__name__)
#: Channel statuses of orders the buyer paid: confirmed whatever the stock, no credit check.
SOLD_STATUSES = ("paid", "shipped", "received")


class SalesChannel(models.Model):
    """The channel's order status applied to the Odoo order: confirm, ship, cancel, refund."""

    _inherit = "sales.channel"  # pylint: disable=consider-merging-classes-inherited

    def _apply_status_many(self, items):
        """New orders of a batch with their parsed data: paid, shipped and received ones confirmed
        together (or by a queue job), shipped ones of channels shipping outside Odoo delivered,
        cancelled ones cancelled."""
        Order = self.env["sale.order"].with_company(self.company_id)
        sold = Order.browse([order.id for order, data in items if data.status in SOLD_STATUSES])
        sold._sm_system_write({"sm_channel_paid": True})
        shipped = [(order, data) for order, data in items if self._ships_outside(data)]
        now = sold
        if self.confirm_in_background:
            # Orders shipped outside Odoo are delivered now: they are confirmed now too.
            now = Order.browse([order.id for order, _data in shipped])
            if sold - now:
                self._enqueue_confirmation(sold - now)
        if now:
            now.action_confirm()
        for order, data in shipped:
            self._ship_outside(order, data)
            if data.status == "received" and order.fulfilment_status == "shipped":
                order.action_mark_delivered()
        cancelled = Order.browse([order.id for order, data in items if data.status in ("cancelled", "refunded")])
        if cancelled:
            cancelled._action_cancel()

    def _apply_status(self, order, data):
        if data.status in SOLD_STATUSES and order.state in ("draft", "sent"):
            if not order.sm_channel_paid:
                order._sm_system_write({"sm_channel_paid": True})
            order.action_confirm()
            if order.sm_channel_confirm_queued:  # confirmed before its queued job ran
                order.sm_channel_confirm_queued = False
        if data.status in ("shipped", "received") and order.state == "sale":
            if self._ships_outside(data):
                self._ship_outside(order, data)
            if data.status == "received" and order.fulfilment_status == "shipped":
                order.action_mark_delivered()
        elif data.status == "refunded" and order.state == "sale" and order._sm_delivered_pickings():
            self._refund_delivered(order)
        elif data.status in ("cancelled", "refunded") and order.state != "cancel":
            order._action_cancel()

    def _ships_outside(self, data):
        return self.fulfilment_mode == "channel" and data.status in ("shipped", "received")

    def _ship_outside(self, order, data):
        """The channel shipped (part of) the order itself: its open delivery is validated with the
        channel's quantities, carrier and tracking number (a backorder keeps what is not shipped);
        nothing is sent back to the channel."""
        if order.state != "sale":
            return
        pickings = order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state not in ("done", "cancel")
        )
        if not pickings:
            return
        wanted = self._shipped_quantities(order, data)
        for move in pickings.move_ids.filtered(lambda m: m.state not in ("done", "cancel")):
            line = move.sale_line_id
            quantity = max(min(wanted.get(line.id, 0.0) - line.qty_delivered, move.product_uom_qty), 0.0)
            move.quantity = quantity
            move.picked = bool(quantity)
        fulfilments = data.fulfilments
        carrier_names = [f.carrier for f in fulfilments if f.carrier]
        tracking = ", ".join(dict.fromkeys(f.tracking_ref for f in fulfilments if f.tracking_ref))
        carrier = self.env["delivery.carrier"]
        if carrier_names:
            carrier = carrier.search([("name", "=ilike", carrier_names[0])], limit=1)
        to_validate = pickings.filtered(lambda p: any(m.picked for m in p.move_ids))
        if not to_validate:
            return
        values = {"carrier_tracking_ref": tracking or False}
        if carrier:
            values["carrier_id"] = carrier.id
        to_validate.write(values)
        to_validate.with_context(skip_backorder=True, skip_sms=True, sm_channel_shipped=True).button_validate()
        order.message_post(
            body=self.env._(
                "Shipped outside Odoo according to %(channel)s: %(carrier)s, tracking number %(tracking)s.",
                channel=self.name,
                carrier=", ".join(carrier_names) or self.env._("carrier not given"),
                tracking=tracking or self.env._("not given"),
            )
        )

    @api.model
    def _shipped_quantities(self, order, data):
        """{sale line id: quantity the channel says it shipped}; a fulfilment without lines (or none
        listed at all) ships everything."""
        lines = order.order_line.filtered(lambda line: line.channel_line_ref and not line.display_type)
        by_ref = {line.channel_line_ref: line for line in lines}
        wanted = {}
        for fulfilment in data.fulfilments or [None]:
            if fulfilment is None or not fulfilment.lines:
                return {line.id: line.product_uom_qty for line in lines}
            for ref, quantity in fulfilment.lines.items():
                line = by_ref.get(ref)
                if line:
                    wanted[line.id] = min(wanted.get(line.id, 0.0) + float(quantity), line.product_uom_qty)
        return wanted

    def _refund_delivered(self, order):
        """A refunded order that was shipped: Odoo's return of everything delivered and a draft
        credit note, through the after-sales return of sales_mgmt_core; once."""
        if order.sm_channel_refunded:
            return
        wizard = (
            self.env["sale.order.return.wizard"]
            .with_context(default_order_id=order.id)
            .create(
                {
                    "order_id": order.id,
                    "reason": self.env._("Refunded in %s", self.name),
                    "create_credit_note": True,
                }
            )
        )
        for line in wizard.line_ids:
            line.quantity = line.max_quantity
        wizard.action_create_return()
        order.sm_channel_refunded = True

    def _enqueue_confirmation(self, orders):
        """Paid orders of a batch: one queue job confirms them (see confirm_in_background)."""
        orders.sm_channel_confirm_queued = True
        description = self.env._("Confirm %(count)s orders of %(channel)s", count=len(orders), channel=self.name)
        self._delay(description)._job_confirm_orders(orders)

    def _job_confirm_orders(self, orders):
        """Queue job: confirm queued orders still quotations, together, through the approval flow of
        sales_mgmt_core (held orders wait for approval as usual). An order that cannot be confirmed
        gets the error in its chatter and an activity; the others are confirmed."""
        orders = orders.with_company(self.company_id).exists()
        todo = orders.filtered(lambda o: o.sm_channel_confirm_queued and o.state in ("draft", "sent"))
        failed = orders.browse()
        try:
            with self.env.cr.savepoint():
                todo.action_confirm()
        except (UserError, ValidationError):
            self.env.invalidate_all()
            for order in todo:
                try:
                    with self.env.cr.savepoint():
                        order.action_confirm()
                except (UserError, ValidationError) as error:
                    self.env.invalidate_all()
                    failed |= order
                    self._confirmation_failed(order, error)
        orders.sm_channel_confirm_queued = False
        return (
            f"confirmed {len(todo) - len(failed)}, failed {len(failed)}, not quotations any more {len(orders - todo)}"
        )

    def _responsible_user(self, order=None):
        """Who gets the channel's activities: the order's salesperson, the channel's, the administrator."""
        return (order and order.user_id) or self.user_id or self.env.ref("base.user_admin")

    def _confirmation_failed(self, order, error):
        message = self.env._("The paid order could not be confirmed: %s", error)
        order.message_post(body=message)
        user = self._responsible_user(order)
        lang_env = self.with_context(lang=user.lang or self.env.lang).env  # the assignee's language
        order.activity_schedule(
            "mail.mail_activity_data_warning",
            summary=lang_env._("Confirm the paid channel order"),
            note=lang_env._("The paid order could not be confirmed: %s", error),
            user_id=user.id,
        )
