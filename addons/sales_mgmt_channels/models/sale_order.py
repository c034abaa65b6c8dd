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

    _channel_order_ref_uniq = models.Constraint(
        "unique(channel_id, channel_order_ref)", "This channel order has already been imported."
    )
