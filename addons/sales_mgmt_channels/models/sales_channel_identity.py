from odoo import api, fields, models


class SalesChannelIdentity(models.Model):
    """A buyer of a channel (its account id there) and the Odoo customer they are."""

    _name = "sales.channel.identity"
    _description = "Channel Customer Identity"
    _order = "channel_id, buyer_ref"

    channel_id = fields.Many2one("sales.channel", required=True, index=True, ondelete="cascade")
    buyer_ref = fields.Char("Buyer ID", required=True, help="The customer's id in the channel.")
    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="channel_id.company_id", store=True)

    @api.depends("channel_id.name", "buyer_ref")
    def _compute_display_name(self):
        for identity in self:
            identity.display_name = f"{identity.channel_id.name or ''} {identity.buyer_ref or ''}".strip()

    _channel_buyer_uniq = models.Constraint(
        "unique(channel_id, buyer_ref)", "This buyer of the channel is already linked to a customer."
    )
