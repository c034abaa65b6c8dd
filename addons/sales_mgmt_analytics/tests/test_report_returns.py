from datetime import datetime

from odoo import Command
from odoo.tests import tagged

from .common import AnalyticsCommon


@tagged("post_install", "-at_install")
class TestReportReturns(AnalyticsCommon):
    """Returned quantity and value of the analysis when the line is sold in another unit than
    the product's, with real deliveries and returns (Odoo's stock.return.picking)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dozen = cls.env.ref("uom.product_uom_dozen")
        cls.dozen.active = True
        cls.egg = cls.env["product.product"].create(
            {"name": "Egg", "type": "consu", "standard_price": 4, "taxes_id": [Command.clear()]}
        )

    def _dozen_order(self, pricelist=None):
        """2 Dozens of eggs at 120 a dozen, confirmed in December 2026, delivered in full."""
        vals = {
            "partner_id": self.x.id,
            "user_id": self.sam.id,
            "order_line": [
                Command.create(
                    {
                        "product_id": self.egg.id,
                        "product_uom_qty": 2,
                        "product_uom_id": self.dozen.id,
                        "price_unit": 120,
                    }
                )
            ],
        }
        if pricelist:
            vals["pricelist_id"] = pricelist.id
        order = self.env["sale.order"].create(vals)
        order.with_context(sales_mgmt_skip_checks=True).action_confirm()
        order.date_order = datetime(2026, 12, 5, 10, 0)
        delivery = order.picking_ids
        self.assertEqual(len(delivery), 1)
        self._validate(delivery)
        return order, delivery

    def _validate(self, picking):
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def _return(self, delivery, quantity):
        """Return ``quantity`` (in the delivery move's unit) with Odoo's return wizard, validated."""
        wizard = self.env["stock.return.picking"].create({"picking_id": delivery.id})
        wizard.product_return_moves.quantity = quantity
        return_picking = wizard._create_return()
        self._validate(return_picking)
        return return_picking

    def _row(self, order):
        self.env.flush_all()
        row = self.env["sales.analysis.report"].search([("order_id", "=", order.id)])
        self.assertEqual(len(row), 1)
        return row

    def test_return_in_product_unit_of_a_line_sold_by_the_dozen(self):
        # Default: the delivery goes out in the product's unit (24 Units), 6 Units come back.
        self.assertEqual(self.egg.uom_id, self.env.ref("uom.product_uom_unit"))
        order, delivery = self._dozen_order()
        self.assertEqual(delivery.move_ids.product_uom, self.egg.uom_id)
        self.assertEqual(delivery.move_ids.quantity, 24)
        self._return(delivery, 6)
        row = self._row(order)
        self.assertEqual(row.product_uom_qty, 24, "quantities in the product's unit")
        self.assertEqual(row.price_subtotal, 240)
        self.assertAlmostEqual(row.returned_qty, 6, places=6)
        self.assertAlmostEqual(row.returned_value, 60, places=6, msg="6 Units at 10 a unit (120 a dozen)")
        self.assertAlmostEqual(row.net_revenue, 180, places=6)
        self.assertAlmostEqual(order.order_line.qty_delivered, 1.5, places=6, msg="Odoo agrees: 1.5 dozen kept")

    def test_return_in_dozens_and_foreign_currency(self):
        # With stock.propagate_uom the delivery keeps the line's unit: half a dozen comes back.
        self.env["ir.config_parameter"].sudo().set_param("stock.propagate_uom", "1")
        order, delivery = self._dozen_order(pricelist=self.eur_pricelist)
        self.assertEqual(delivery.move_ids.product_uom, self.dozen)
        self._return(delivery, 0.5)
        row = self._row(order)
        # 240 EUR at 2 EUR per USD = 120 USD for 24 units; 6 units back = 30 USD.
        self.assertEqual(row.product_uom_qty, 24)
        self.assertAlmostEqual(row.price_subtotal, 120, places=6)
        self.assertAlmostEqual(row.returned_qty, 6, places=6, msg="in the product's unit, like the quantity")
        self.assertAlmostEqual(row.returned_value, 30, places=6)
        self.assertAlmostEqual(row.net_revenue, 90, places=6)
        # The report's totals agree with its rows.
        totals = self.env["sales.analysis.report"]._read_group(
            [("order_id", "=", order.id)], [], ["returned_qty:sum", "returned_value:sum", "net_revenue:sum"]
        )[0]
        self.assertAlmostEqual(totals[1], 30, places=6)
        self.assertAlmostEqual(totals[2], 90, places=6)

    def test_no_return(self):
        order, _delivery = self._dozen_order()
        row = self._row(order)
        self.assertEqual((row.returned_qty, row.returned_value, row.net_revenue), (0, 0, 240))
