from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    sm_stock_check_policy = fields.Selection(
        [("ignore", "Ignore"), ("warn", "Warn in the chatter"), ("approval", "Require approval")],
        "Stock Check on Confirmation",
        default="approval",
        required=True,
    )
    sm_send_order_notifications = fields.Boolean(
        "Notify Customers",
        default=True,
        help="E-mail the customer when an order is confirmed and when its delivery is shipped.",
    )
