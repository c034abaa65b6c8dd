from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    channel_id = fields.Many2one(
        "sales.channel", "Sales Channel", index="btree_not_null", tracking=True, check_company=True, copy=False
    )
    channel_order_ref = fields.Char(
        "Channel Order Reference",
        index="btree_not_null",
        copy=False,
        help="The order's identifier in its channel: an order is imported once per channel.",
    )

    sm_channel_updated_at = fields.Datetime(
        "Updated in Channel", copy=False, readonly=True, help="Channel time of the imported version."
    )

    sm_channel_refunded = fields.Boolean(
        "Refunded in Channel", copy=False, readonly=True, help="The return and credit note were created."
    )

    sm_channel_paid = fields.Boolean(
        "Paid in Channel",
        copy=False,
        readonly=True,
        help="The channel collected the payment: the credit check does not apply (set by the import only).",
    )
    sm_channel_confirm_queued = fields.Boolean(
        "Confirmation Queued",
        copy=False,
        readonly=True,
        help="Paid in its channel; a queue job is about to confirm it (the channel confirms in background).",
    )

    _channel_order_ref_uniq = models.Constraint(
        "unique(channel_id, channel_order_ref)", "This channel order has already been imported."
    )

    def _sm_protected_fields(self):
        return super()._sm_protected_fields() | {"sm_channel_paid"}

    def _sm_notify_customer(self, template_xmlid, picking=None):
        """Orders of a channel that notifies its buyers itself get no e-mail from Odoo."""
        notified = self.filtered(lambda o: not o.channel_id or o.channel_id.notify_customers)
        return super(SaleOrder, notified)._sm_notify_customer(template_xmlid, picking=picking)

    def _sm_delivered_pickings(self):
        return self.picking_ids.filtered(lambda p: p.state == "done" and p.picking_type_code == "outgoing")
