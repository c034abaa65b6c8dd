from odoo import fields, models

from ..tools.file_orders import TARGETS


class SalesChannelFileColumn(models.Model):
    """Which column of a channel's files holds which order value (saved per channel)."""

    _name = "sales.channel.file.column"
    _description = "Channel File Column"
    _order = "channel_id, id"

    channel_id = fields.Many2one("sales.channel", required=True, index=True, ondelete="cascade")
    target = fields.Selection(list(TARGETS.items()), required=True)
    column = fields.Char("Column Header", required=True, help="The header text in the file (case does not matter).")

    _target_uniq = models.Constraint("unique(channel_id, target)", "Each value can be mapped to one column only.")
