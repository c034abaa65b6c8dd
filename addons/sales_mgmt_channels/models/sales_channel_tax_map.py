from odoo import fields, models


class SalesChannelTaxMap(models.Model):
    """A tax rate of a channel and the Odoo tax it is."""

    _name = "sales.channel.tax.map"
    _description = "Channel Tax Rate"
    _order = "channel_id, rate"
    _check_company_auto = True

    channel_id = fields.Many2one("sales.channel", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="channel_id.company_id", store=True)
    rate = fields.Float("Channel Rate (%)", digits=(16, 4), required=True, help="The rate as the channel states it.")
    tax_id = fields.Many2one(
        "account.tax",
        "Odoo Tax",
        required=True,
        check_company=True,
        domain=[("type_tax_use", "=", "sale")],
        help="A tax included in price keeps the channel's tax-included prices as they are; a tax excluded "
        "from price gets them converted.",
    )

    _channel_rate_uniq = models.Constraint("unique(channel_id, rate)", "This channel rate is already mapped.")
