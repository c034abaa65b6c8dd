import logging

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


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

    # ------------------------------------------------------------------ confirmation side effects
    def _action_confirm(self):
        result = super()._action_confirm()
        self._sm_mark_customers_dirty()
        self.env["sales.stock.alert"]._queue_evaluation(self.order_line.product_id)
        self._sm_notify_customer("sales_mgmt_core.mail_template_order_confirmed")
        return result

    def _action_cancel(self):
        result = super()._action_cancel()
        self._sm_mark_customers_dirty()
        return result

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
