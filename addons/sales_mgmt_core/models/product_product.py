from odoo import api, fields, models


class ProductProduct(models.Model):
    _inherit = "product.product"

    sm_safety_stock_ids = fields.One2many("sales.safety.stock", "product_id", "Safety Stocks")
    sm_channel_available_qty = fields.Float(
        "Available to Channels",
        digits="Product Unit",
        compute="_compute_sm_channel_available_qty",
        help="Free quantity minus safety stock (never below 0): what websites and marketplaces may offer. "
        "Per warehouse with a 'warehouse_id' in the context, else over all warehouses.",
    )
    sm_open_alert_count = fields.Integer("Open Stock Alerts", compute="_compute_sm_open_alert_count")

    @api.depends_context("warehouse_id", "company")
    def _compute_sm_channel_available_qty(self):
        warehouse_id = self.env.context.get("warehouse_id")
        warehouses = (
            self.env["stock.warehouse"].browse(warehouse_id)
            if warehouse_id
            else self.env["stock.warehouse"].search([("company_id", "in", self.env.companies.ids)])
        )
        safety = self._sm_safety_quantities(warehouses)
        for product in self:
            if not product.is_storable:
                product.sm_channel_available_qty = 0.0
                continue
            product.sm_channel_available_qty = max(0.0, product.free_qty - safety.get(product.id, 0.0))

    def _sm_safety_quantities(self, warehouses):
        """{product id: safety stock summed over ``warehouses``} (own record, else category default)."""
        explicit = {}
        for product, warehouse, qty in self.env["sales.safety.stock"]._read_group(
            [("product_id", "in", self.ids), ("warehouse_id", "in", warehouses.ids)],
            ["product_id", "warehouse_id"],
            ["safety_qty:sum"],
        ):
            explicit[(product.id, warehouse.id)] = qty
        result = {}
        for product in self:
            default = product.categ_id.sm_safety_stock_default
            result[product.id] = sum(explicit.get((product.id, w.id), default) for w in warehouses)
        return result

    def _compute_sm_open_alert_count(self):
        counts = dict(
            self.env["sales.stock.alert"]._read_group(
                [("product_id", "in", self.ids), ("state", "!=", "resolved")], ["product_id"], ["__count"]
            )
        )
        for product in self:
            product.sm_open_alert_count = counts.get(product, 0)

    def action_view_stock_alerts(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_mgmt_core.sales_stock_alert_action")
        action["domain"] = [("product_id", "in", self.ids)]
        return action
