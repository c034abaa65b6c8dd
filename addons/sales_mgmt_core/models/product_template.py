from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    sm_open_alert_count = fields.Integer("Open Stock Alerts", compute="_compute_sm_open_alert_count")

    def _compute_sm_open_alert_count(self):
        counts = dict(
            self.env["sales.stock.alert"]._read_group(
                [("product_tmpl_id", "in", self.ids), ("state", "!=", "resolved")], ["product_tmpl_id"], ["__count"]
            )
        )
        for template in self:
            template.sm_open_alert_count = counts.get(template, 0)

    def action_view_stock_alerts(self):
        return self.product_variant_ids.action_view_stock_alerts()
