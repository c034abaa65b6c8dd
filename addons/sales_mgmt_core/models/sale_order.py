from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    complaint_ids = fields.One2many("sales.complaint", "order_id", groups="sales_team.group_sale_salesman")
    complaint_count = fields.Integer(compute="_compute_complaint_count", groups="sales_team.group_sale_salesman")

    def _compute_complaint_count(self):
        counts = dict(
            self.env["sales.complaint"]._read_group([("order_id", "in", self.ids)], ["order_id"], ["__count"])
        )
        for order in self:
            order.complaint_count = counts.get(order, 0)

    def action_confirm(self):
        result = super().action_confirm()
        self._sm_mark_customers_dirty()
        return result

    def _action_cancel(self):
        result = super()._action_cancel()
        self._sm_mark_customers_dirty()
        return result

    def _sm_mark_customers_dirty(self):
        """Queue the customers for the incremental segment recompute (one UPDATE)."""
        partner_ids = self.partner_id.commercial_partner_id.ids
        if partner_ids:
            self.env.cr.execute(
                "UPDATE res_partner SET sm_segment_dirty = TRUE WHERE id = ANY(%s) AND sm_segment_dirty IS NOT TRUE",
                [partner_ids],
            )
            self.env["res.partner"].invalidate_model(["sm_segment_dirty"])

    def action_view_complaints(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_mgmt_core.sales_complaint_action")
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"default_order_id": self.id, "default_partner_id": self.partner_id.id}
        return action
