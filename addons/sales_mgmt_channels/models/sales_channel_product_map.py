from odoo import fields, models


class SalesChannelProductMap(models.Model):
    """A channel SKU that is not an Odoo internal reference or barcode, and its product."""

    _name = "sales.channel.product.map"
    _description = "Channel Product Mapping"
    _order = "channel_id, sku"

    channel_id = fields.Many2one("sales.channel", required=True, index=True, ondelete="cascade")
    sku = fields.Char("Channel SKU", required=True)
    product_id = fields.Many2one("product.product", required=True, ondelete="cascade")

    _channel_sku_uniq = models.Constraint("unique(channel_id, sku)", "This SKU is already mapped for the channel.")
