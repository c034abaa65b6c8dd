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
    sm_purchase_user_id = fields.Many2one(
        "res.users",
        "Purchasing Contact",
        help="Gets the stock alerts of products without a purchase responsible. When empty, the company's "
        "first Inventory Administrator gets them.",
    )
    sm_demand_window_days = fields.Integer(
        "Demand Window (days)",
        default=90,
        help="Days of outgoing deliveries used for the average demand and the suggested safety stock.",
    )
    sm_storage_cost_rate = fields.Float(
        "Storage Cost (% of unit cost)", help="Added to each unit's cost in the inventory cost view."
    )
    sm_transport_cost_rate = fields.Float(
        "Transport Cost (% of unit cost)", help="Added to each unit's cost in the inventory cost view."
    )

    sm_score_weight_revenue = fields.Float("Revenue Weight", default=40.0)
    sm_score_weight_new_customers = fields.Float("New Customers Weight", default=20.0)
    sm_score_weight_won = fields.Float("Won Opportunities Weight", default=20.0)
    sm_score_weight_activities = fields.Float("Activities Weight", default=20.0)

    def _sm_purchase_contact(self):
        """Who gets the stock alerts of products without a purchase responsible: the
        Purchasing Contact, else the company's first (oldest) Inventory Administrator."""
        self.ensure_one()
        if self.sm_purchase_user_id:
            return self.sm_purchase_user_id
        return (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("share", "=", False),
                    ("company_ids", "in", self.id),
                    ("all_group_ids", "in", self.env.ref("stock.group_stock_manager").id),
                    ("id", "!=", self.env.ref("base.user_root").id),
                ],
                order="id",
                limit=1,
            )
        )

    _sm_score_weights_positive = models.Constraint(
        "CHECK(sm_score_weight_revenue >= 0 AND sm_score_weight_new_customers >= 0 "
        "AND sm_score_weight_won >= 0 AND sm_score_weight_activities >= 0)",
        "Performance score weights cannot be negative.",
    )
    _sm_cost_rates_range = models.Constraint(
        "CHECK(sm_storage_cost_rate >= 0 AND sm_storage_cost_rate <= 1000 "
        "AND sm_transport_cost_rate >= 0 AND sm_transport_cost_rate <= 1000)",
        "Storage and transport cost rates must be between 0 and 1000%.",
    )
