from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import formatLang

from ..tools import inventory

MAX_QTY = 1_000_000_000


class SalesSafetyStock(models.Model):
    """Safety stock of one product in one warehouse, with the demand-based suggestion."""

    _name = "sales.safety.stock"
    _description = "Safety Stock"
    _order = "product_id, warehouse_id"
    _check_company_auto = True

    product_id = fields.Many2one(
        "product.product",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        domain=[("is_storable", "=", True)],
    )
    warehouse_id = fields.Many2one("stock.warehouse", required=True, index=True, ondelete="cascade", check_company=True)
    company_id = fields.Many2one(related="warehouse_id.company_id", store=True, index=True)
    uom_id = fields.Many2one(related="product_id.uom_id")
    safety_qty = fields.Float("Safety Stock", digits="Product Unit", required=True)
    lead_time_days = fields.Float("Supplier Lead Time (days)", default=7.0)
    service_level = fields.Float(
        default=0.95, help="Probability of not running out during the lead time (0.5 - 0.9999)."
    )
    seasonal = fields.Boolean(help="Use the same window of last year instead of the last days.")
    auto_apply = fields.Boolean(help="The nightly cron applies the suggestion to the safety stock.")
    suggested_qty = fields.Float(
        "Suggested",
        digits="Product Unit",
        readonly=True,
        help="Rounded up to the product's unit: whole units for counted products.",
    )
    average_daily_demand = fields.Float(digits="Product Unit", readonly=True)
    demand_std_dev = fields.Float("Demand Std. Dev.", digits="Product Unit", readonly=True)
    suggestion_date = fields.Datetime(readonly=True)
    has_demand_history = fields.Boolean(
        "Demand History",
        readonly=True,
        help="The demand window had deliveries. Without history there is no suggestion, and applying "
        "suggestions never changes the safety stock.",
    )

    demand_label = fields.Char(
        "Daily Demand", compute="_compute_demand_labels", help="Average daily demand, or 'No demand'."
    )
    suggestion_label = fields.Char(
        "Suggestion", compute="_compute_demand_labels", help="Suggested safety stock, or 'No demand'."
    )

    _product_warehouse_uniq = models.Constraint(
        "unique(product_id, warehouse_id)", "This product already has a safety stock in this warehouse."
    )

    @api.depends("product_id", "warehouse_id")
    def _compute_display_name(self):
        for record in self:
            record.display_name = self.env._(
                "%(product)s in %(warehouse)s",
                product=record.product_id.display_name or "",
                warehouse=record.warehouse_id.name or "",
            )

    @api.depends("has_demand_history", "average_daily_demand", "suggested_qty", "suggestion_date")
    @api.depends_context("lang")
    def _compute_demand_labels(self):
        no_demand = self.env._("No demand")
        for record in self:
            if record.has_demand_history:
                record.demand_label = formatLang(self.env, record.average_daily_demand, dp="Product Unit")
                record.suggestion_label = formatLang(self.env, record.suggested_qty, dp="Product Unit")
            else:  # not computed yet: nothing to say
                record.demand_label = record.suggestion_label = no_demand if record.suggestion_date else False

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.action_compute_suggestion()
        records._sm_queue_alert_evaluation()
        return records

    def write(self, vals):
        moved = self.product_id if {"product_id", "warehouse_id"} & set(vals) else self.browse()
        result = super().write(vals)
        if {"product_id", "warehouse_id", "seasonal", "lead_time_days", "service_level"} & set(vals):
            self.action_compute_suggestion()
        if {"product_id", "warehouse_id", "safety_qty"} & set(vals):
            self._sm_queue_alert_evaluation(moved)
        return result

    def unlink(self):
        products = self.product_id
        result = super().unlink()
        self.env["sales.stock.alert"]._queue_evaluation(products)
        return result

    def _sm_queue_alert_evaluation(self, products=None):
        """Thresholds changed (by hand, by applying a suggestion or by the nightly auto-apply):
        the alerts of these products are re-evaluated when the transaction commits, resolved
        when the stock is now above and their activity updated when still below."""
        self.env["sales.stock.alert"]._queue_evaluation(self.product_id | (products or self.product_id.browse()))

    @api.constrains("safety_qty", "lead_time_days", "service_level")
    def _check_values(self):
        for record in self:
            if not 0 <= record.safety_qty < MAX_QTY:
                raise ValidationError(
                    self.env._(
                        "Safety stock of %(product)s must be between 0 and %(max)s, not %(qty)s.",
                        product=record.product_id.display_name,
                        max=MAX_QTY,
                        qty=record.safety_qty,
                    )
                )
            if not 0 <= record.lead_time_days <= 3650:
                raise ValidationError(self.env._("The lead time must be between 0 and 3,650 days."))
            if not inventory.SERVICE_LEVEL_MIN <= record.service_level <= inventory.SERVICE_LEVEL_MAX:
                raise ValidationError(self.env._("The service level must be between 0.5 and 0.9999 (e.g. 0.95)."))

    def action_compute_suggestion(self):
        self.env["sales.stock.alert"]._compute_suggestions(self)
        for record in self:
            rounded = record._sm_round_up(record.suggested_qty)
            if rounded != record.suggested_qty:
                record.suggested_qty = rounded

    def _sm_round_up(self, qty):
        """Round a threshold up to what the product's unit counts: whole units for products counted
        in Units (or a unit-based package), the 'Product Unit' precision otherwise (kg, L...)."""
        self.ensure_one()
        uom = self.uom_id
        if not uom:
            return qty
        unit = self.env.ref("uom.product_uom_unit", raise_if_not_found=False)
        counted = unit and (uom.parent_path or "").split("/")[0] == str(unit.id)
        return inventory.round_up(qty, max(1.0, uom.rounding) if counted else uom.rounding)

    def action_apply_suggestion(self):
        """Replace the safety stock with the suggestion where there is demand history; rows
        without history keep theirs (missing data never lowers a threshold)."""
        self.action_compute_suggestion()
        applied = self._apply_suggestions()
        skipped = self - applied
        if not skipped:
            return True
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "sticky": False,
                "title": self.env._("Some safety stocks were kept"),
                "message": self.env._(
                    "%(applied)s applied; %(skipped)s kept because their demand window has no deliveries: %(names)s",
                    applied=len(applied),
                    skipped=len(skipped),
                    names=", ".join(skipped[:10].mapped("product_id.display_name")),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _apply_suggestions(self):
        applied = self.filtered("has_demand_history")
        for record in applied:
            record.safety_qty = record._sm_round_up(record.suggested_qty)
        return applied

    @api.model
    def _cron_compute_suggestions(self):
        records = self.search([])  # pylint: disable=no-search-all
        records.action_compute_suggestion()
        records.filtered("auto_apply")._apply_suggestions()
