from odoo import api, fields, models, tools
from odoo.tools import SQL, format_datetime

from ..models.stock_quant import REASON_CODES


class SalesCountVarianceReport(models.Model):
    """Counted vs system quantity of every applied inventory count, with its value."""

    _name = "sales.count.variance.report"
    _description = "Inventory Count Variance"
    _auto = False
    _order = "date desc"

    date = fields.Datetime(readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", "Product Category", readonly=True)
    location_id = fields.Many2one("stock.location", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", "Counted By", readonly=True)
    counted_qty = fields.Float(digits="Product Unit", readonly=True, aggregator="sum")
    system_qty = fields.Float(digits="Product Unit", readonly=True, aggregator="sum")
    variance_qty = fields.Float(digits="Product Unit", readonly=True, aggregator="sum")
    currency_id = fields.Many2one(related="company_id.currency_id")
    variance_value = fields.Monetary(readonly=True, aggregator="sum")
    reason_code = fields.Selection(REASON_CODES, "Reason", readonly=True)

    @api.depends("product_id", "location_id", "date")
    def _compute_display_name(self):
        for row in self:
            row.display_name = self.env._(
                "%(product)s at %(location)s, %(date)s",
                product=row.product_id.display_name or "",
                location=row.location_id.display_name or "",
                date=format_datetime(self.env, row.date) if row.date else "",
            )

    def _select(self):
        return SQL(
            """
            m.id, m.date, m.product_id, pt.categ_id, m.company_id, m.write_uid AS user_id,
            CASE WHEN src.usage = 'inventory' THEN m.location_dest_id ELSE m.location_id END AS location_id,
            loc.warehouse_id,
            m.sm_counted_qty AS counted_qty, m.sm_system_qty AS system_qty,
            m.sm_counted_qty - m.sm_system_qty AS variance_qty,
            m.sm_variance_value AS variance_value, m.sm_reason_code AS reason_code
            """
        )

    def _from(self):
        return SQL(
            """
            stock_move m
            JOIN product_product pp ON pp.id = m.product_id
            JOIN product_template pt ON pt.id = pp.product_tmpl_id
            JOIN stock_location src ON src.id = m.location_id
            JOIN stock_location loc
              ON loc.id = CASE WHEN src.usage = 'inventory' THEN m.location_dest_id ELSE m.location_id END
            """
        )

    def _where(self):
        return SQL("m.is_inventory AND m.state = 'done' AND m.sm_counted_qty IS NOT NULL")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (SELECT %s FROM %s WHERE %s)",
                SQL.identifier(self._table),
                self._select(),
                self._from(),
                self._where(),
            )
        )
