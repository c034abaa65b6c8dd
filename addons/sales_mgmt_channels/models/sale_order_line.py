from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    channel_line_ref = fields.Char("Channel Line", copy=False, help="The line's id in its channel.")
