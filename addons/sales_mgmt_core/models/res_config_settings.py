from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sm_stock_check_policy = fields.Selection(related="company_id.sm_stock_check_policy", readonly=False)
    sm_send_order_notifications = fields.Boolean(related="company_id.sm_send_order_notifications", readonly=False)
    sm_purchase_user_id = fields.Many2one(related="company_id.sm_purchase_user_id", readonly=False)
    sm_demand_window_days = fields.Integer(related="company_id.sm_demand_window_days", readonly=False)
    sm_storage_cost_rate = fields.Float(related="company_id.sm_storage_cost_rate", readonly=False)
    sm_transport_cost_rate = fields.Float(related="company_id.sm_transport_cost_rate", readonly=False)
    sm_score_weight_revenue = fields.Float(related="company_id.sm_score_weight_revenue", readonly=False)
    sm_score_weight_new_customers = fields.Float(related="company_id.sm_score_weight_new_customers", readonly=False)
    sm_score_weight_won = fields.Float(related="company_id.sm_score_weight_won", readonly=False)
    sm_score_weight_activities = fields.Float(related="company_id.sm_score_weight_activities", readonly=False)
