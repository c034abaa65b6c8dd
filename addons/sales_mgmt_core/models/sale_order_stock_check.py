from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import format_date, formatLang

from ..tools import approval


class SaleOrderStockCheck(models.AbstractModel):
    """Confirmation check: storable products ordered beyond what the warehouse has free now
    and forecast by the commitment date, per company policy (ignore, warn, hold).

    Free and forecast quantities are read once per warehouse (and commitment date) for all
    the batch's products; the batch's accepted orders then take their quantities in sequence.
    """

    _name = "sale.order.stock.check"
    _description = "Order Confirmation Check: Stock"

    @api.model
    def _sm_orders_to_check(self, orders):
        return orders.filtered(lambda o: o.company_id.sm_stock_check_policy != "ignore")

    @api.model
    def _sm_needs(self, order):
        """{(warehouse id, product id): quantity in the product's unit} of the order."""
        needs = {}
        for line in order.order_line:
            if line.display_type or not line.product_id.is_storable:
                continue
            qty = line.product_uom_id._compute_quantity(line.product_uom_qty, line.product_id.uom_id)
            key = (order.warehouse_id.id, line.product_id.id)
            needs[key] = needs.get(key, 0.0) + qty
        return needs

    @api.model
    def _sm_ledger(self, orders, needs):
        ledger = approval.StockLedger()
        now = fields.Datetime.now()
        groups = {}
        for order in orders:
            at_date = order.commitment_date or now
            for warehouse_id, product_id in needs[order]:
                groups.setdefault((warehouse_id, at_date), set()).add(product_id)
        Product = self.env["product.product"].sudo()
        for (warehouse_id, at_date), product_ids in groups.items():
            products = Product.browse(sorted(product_ids)).with_context(warehouse_id=warehouse_id)
            for product in products:
                ledger.free[warehouse_id, product.id] = product.free_qty
            for product in products.with_context(to_date=at_date):
                key = (warehouse_id, product.id)
                # the earliest commitment date of the batch decides: the least that is forecast
                ledger.forecast[key] = min(
                    ledger.forecast.get(key, product.virtual_available), product.virtual_available
                )
        return ledger

    @api.model
    def _sm_prepare(self, orders):
        return _StockChecker(self, self._sm_orders_to_check(orders))

    @api.model
    def _sm_message(self, order, product, ordered, available, missing):
        uom = product.uom_id
        return self.env._(
            "%(product)s: %(ordered)s %(uom)s ordered, %(available)s %(uom)s available in %(warehouse)s "
            "(free now or forecast by %(date)s, after the earlier orders of this batch), %(missing)s %(uom)s "
            "missing.",
            product=product.display_name,
            ordered=formatLang(self.env, ordered, dp="Product Unit"),
            available=formatLang(self.env, available, dp="Product Unit"),
            missing=formatLang(self.env, missing, dp="Product Unit"),
            uom=uom.name,
            warehouse=order.warehouse_id.name,
            date=format_date(self.env, order.commitment_date or fields.Date.context_today(self)),
        )

    @api.model
    def _sm_failure(self, order, shortage):
        (_warehouse_id, product_id), ordered, available, missing = shortage
        product = self.env["product.product"].browse(product_id)
        return {
            "check": "stock",
            "product_id": product_id,
            "ordered_qty": ordered,
            "available_qty": available,
            "missing_qty": missing,
            "message": self._sm_message(order, product, ordered, available, missing),
            "translations": self.env["sale.order.hold.reason"]._sm_translations(
                lambda env: self.with_env(env)._sm_message(
                    order.with_env(env), product.with_env(env), ordered, available, missing
                )
            ),
        }


class _StockChecker:
    def __init__(self, check, orders):
        self.check = check
        self.orders = orders
        self.needs = {order: check._sm_needs(order) for order in orders}
        self.ledger = check._sm_ledger(orders, self.needs) if orders else approval.StockLedger()
        self.warnings = {}

    def evaluate(self, order):
        if order not in self.orders:
            return []
        failures = [self.check._sm_failure(order, s) for s in self.ledger.evaluate(self.needs[order])]
        if failures and order.company_id.sm_stock_check_policy == "warn":
            self.warnings[order] = failures
            return []
        return failures

    def accept(self, order):
        if order in self.orders:
            self.ledger.accept(self.needs[order])

    def done(self, accepted):
        """Orders confirmed with a shortage under the 'warn' policy get a chatter note."""
        for order, failures in self.warnings.items():
            if order in accepted:
                order.message_post(
                    body=Markup("<p>%s</p><ul>%s</ul>")
                    % (
                        order.env._("Stock warning at confirmation:"),
                        Markup().join(Markup("<li>%s</li>") % f["message"] for f in failures),
                    ),
                )
