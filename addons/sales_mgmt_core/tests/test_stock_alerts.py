import io
from datetime import timedelta

import openpyxl
from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..tools import inventory
from .common import SalesMgmtOrderCommon


@tagged("post_install", "-at_install")
class TestStockAlerts(SalesMgmtOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.wh_a = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.wh_b = cls.env["stock.warehouse"].create({"name": "South", "code": "STH", "company_id": cls.company.id})
        cls.categ = cls.env["product.category"].create({"name": "Alert Goods"})
        cls.categ_default = cls.env["product.category"].create({"name": "Defaulted", "sm_safety_stock_default": 5})
        cls.buyer = cls.env["res.users"].search([("login", "=", "sm_manager")])
        Product = cls.env["product.product"]
        cls.lamp = Product.create(
            {
                "name": "Alert Lamp",
                "is_storable": True,
                "type": "consu",
                "categ_id": cls.categ.id,
                "responsible_id": cls.buyer.id,
            }
        )
        cls.vase = Product.create(
            {"name": "Alert Vase", "is_storable": True, "type": "consu", "categ_id": cls.categ_default.id}
        )
        cls.soap = Product.create({"name": "Consumable Soap", "type": "consu", "categ_id": cls.categ_default.id})
        cls.service = Product.create({"name": "Setup Service", "type": "service", "categ_id": cls.categ_default.id})
        cls.company.sm_purchase_user_id = cls.user_manager
        cls.Safety = cls.env["sales.safety.stock"]
        cls.Safety.create({"product_id": cls.lamp.id, "warehouse_id": cls.wh_a.id, "safety_qty": 10})
        cls.Alert = cls.env["sales.stock.alert"]
        cls._stock(cls.lamp, cls.wh_a, 8)
        cls._stock(cls.lamp, cls.wh_b, 1)
        cls._stock(cls.vase, cls.wh_a, 50)
        cls._stock(cls.vase, cls.wh_b, 50)

    @classmethod
    def _stock(cls, product, warehouse, qty):
        cls.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, qty)

    def _open(self, product=None):
        domain = [("state", "!=", "resolved")] + ([("product_id", "=", product.id)] if product else [])
        return self.Alert.search(domain)

    def test_alert_raised_once_with_figures_and_activity(self):
        result = self.Alert._evaluate()
        alert = self._open(self.lamp)
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.warehouse_id, self.wh_a)  # no safety stock for the lamp in South
        self.assertEqual((alert.free_qty, alert.forecast_qty, alert.threshold), (8, 8, 10))
        self.assertEqual(alert.severity, "low")
        self.assertEqual(alert.user_id, self.buyer)
        self.assertEqual(alert.activity_ids.user_id, self.buyer)
        self.assertGreaterEqual(result["created"], 1)
        self.Alert._evaluate()
        self.assertEqual(len(self._open(self.lamp)), 1)
        self.assertEqual(len(alert.activity_ids), 1)

    def test_category_default_and_ignored_products(self):
        self._stock(self.vase, self.wh_b, -48)  # 2 left in South, default safety 5
        self.Alert._evaluate()
        vase_alerts = self._open(self.vase)
        self.assertEqual(vase_alerts.warehouse_id, self.wh_b)
        self.assertEqual(vase_alerts.threshold, 5)
        self.assertEqual(vase_alerts.user_id, self.user_manager)  # no responsible: the company's contact
        self.assertFalse(self._open(self.soap))
        self.assertFalse(self._open(self.service))

    def test_resolved_when_stock_recovers(self):
        self.Alert._evaluate()
        alert = self._open(self.lamp)
        alert.action_acknowledge()
        self.assertEqual(alert.state, "acknowledged")
        self._stock(self.lamp, self.wh_a, 5)
        self.Alert._evaluate()
        self.assertEqual(alert.state, "resolved")
        self.assertTrue(alert.date_resolved)
        self.assertFalse(alert.activity_ids)

    def test_negative_quant_is_critical(self):
        self._stock(self.lamp, self.wh_a, -12)
        self.Alert._evaluate()
        alert = self._open(self.lamp)
        self.assertEqual(alert.free_qty, -4)
        self.assertEqual(alert.severity, "critical")

    def test_forecast_counts_pending_deliveries(self):
        self._stock(self.lamp, self.wh_a, 10)  # 18 on hand, above 10
        order = self._order(self.partner_for_orders(), 10, confirm=False)
        order.order_line.write({"product_id": self.lamp.id, "product_uom_qty": 12})
        order.with_user(self.user_approver).with_context(sales_mgmt_skip_checks=True).action_confirm()
        self.env.cr.precommit.run()  # what the commit of the confirmation does
        alert = self._open(self.lamp)
        self.assertEqual(alert.forecast_qty, 6)
        self.assertLess(alert.free_qty, 10)

    def partner_for_orders(self):
        return self.env["res.partner"].create({"name": "Stock Alert Buyer"})

    def test_done_moves_evaluate_once_at_commit(self):
        self._stock(self.lamp, self.wh_a, 10)  # 18
        self.Alert._evaluate()
        self.assertFalse(self._open(self.lamp))
        order = self._order(self.partner_for_orders(), 10, confirm=False)
        order.order_line.write(
            {
                "product_id": self.lamp.id,
                "product_uom_qty": 1,
                "product_uom_id": self.env.ref("uom.product_uom_dozen").id,
            }
        )
        order.with_user(self.user_approver).with_context(sales_mgmt_skip_checks=True).action_confirm()
        picking = order.picking_ids
        picking.move_ids.quantity = 12
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertFalse(self._open(self.lamp), "evaluated at commit, not per move")
        self.env.cr.precommit.run()
        alert = self._open(self.lamp)
        self.assertEqual(alert.free_qty, 6)  # 18 - 12 units (one dozen)
        self.assertTrue(order.order_line.sm_stock_alert)

    def test_product_without_category(self):
        loose = self.env["product.product"].create({"name": "No Category", "is_storable": True, "categ_id": False})
        self.Safety.create({"product_id": loose.id, "warehouse_id": self.wh_a.id, "safety_qty": 1})
        self.Alert._evaluate()
        self.assertEqual(self._open(loose).free_qty, 0)

    def test_archived_product_ignored(self):
        self.lamp.active = False
        self.Alert._evaluate()
        self.assertFalse(self.Alert.with_context(active_test=False).search([("product_id", "=", self.lamp.id)]))

    def test_one_open_alert_per_product_and_warehouse(self):
        self.Alert._evaluate()
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.Alert.create({"product_id": self.lamp.id, "warehouse_id": self.wh_a.id, "severity": "low"})
        # a concurrent evaluation that raised the same alert first: skipped, not duplicated
        created = self.Alert._create_new_alerts(
            [{"product_id": self.lamp.id, "warehouse_id": self.wh_a.id, "severity": "low"}]
        )
        self.assertFalse(created)
        self.assertEqual(len(self._open(self.lamp)), 1)

    def test_multi_company(self):
        company_b = self.env["res.company"].create({"name": "Alert Co B"})
        wh_other = self.env["stock.warehouse"].search([("company_id", "=", company_b.id)], limit=1)
        self.Safety.create({"product_id": self.lamp.id, "warehouse_id": wh_other.id, "safety_qty": 3})
        self.Alert._evaluate()
        other_alert = self._open(self.lamp).filtered(lambda a: a.warehouse_id == wh_other)
        self.assertEqual(other_alert.company_id, company_b)
        visible = self.Alert.with_user(self.user_salesman).search([("product_id", "=", self.lamp.id)])
        self.assertNotIn(other_alert, visible)
        self.assertTrue(visible)

    def test_invalid_thresholds(self):
        with self.assertRaises(ValidationError):
            self.Safety.create({"product_id": self.vase.id, "warehouse_id": self.wh_a.id, "safety_qty": -1})
        with self.assertRaises(ValidationError):
            self.Safety.create({"product_id": self.vase.id, "warehouse_id": self.wh_a.id, "safety_qty": 1e12})
        with self.assertRaises(ValidationError):
            self.Safety.create(
                {"product_id": self.vase.id, "warehouse_id": self.wh_a.id, "safety_qty": 1, "service_level": 1.5}
            )
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.categ.sm_safety_stock_default = -3
            self.categ.flush_recordset()

    def test_demand_suggestion(self):
        record = self.Safety.search([("product_id", "=", self.lamp.id)])
        record.auto_apply = True
        action = record.action_apply_suggestion()
        self.assertEqual((record.suggested_qty, record.has_demand_history), (0.0, False))  # no history
        self.assertEqual(record.safety_qty, 10, "missing data never lowers the threshold")
        self.assertEqual(action["params"]["type"], "warning")
        self.Safety._cron_compute_suggestions()
        self.assertEqual(record.safety_qty, 10, "nor does the nightly auto-apply")
        self._stock(self.lamp, self.wh_a, 100)
        customer = self.partner_for_orders()
        for days_ago, qty in ((3, 2), (10, 9), (20, 1), (30, 6)):
            with freeze_time(fields.Datetime.now() - timedelta(days=days_ago)):
                order = self._order(customer, 10, confirm=False)
                order.order_line.write({"product_id": self.lamp.id, "product_uom_qty": qty})
                order.action_confirm()
                order.picking_ids.move_ids.quantity = qty
                order.picking_ids.move_ids.picked = True
                order.picking_ids.button_validate()
        record.write({"lead_time_days": 4, "service_level": 0.95})
        record.action_apply_suggestion()
        self.assertAlmostEqual(record.average_daily_demand, 18 / 90, places=4)
        self.assertGreater(record.suggested_qty, 0)
        self.assertEqual(record.safety_qty, record.suggested_qty)
        record.seasonal = True  # last year's window has no deliveries
        record.action_compute_suggestion()
        self.assertEqual(record.suggested_qty, 0.0)

    def test_oversell_guard(self):
        ctx_a = self.lamp.with_context(warehouse_id=self.wh_a.id)
        self.assertEqual(ctx_a.sm_channel_available_qty, 0.0)  # 8 free - 10 safety -> never below 0
        self._stock(self.lamp, self.wh_a, 5)
        self.env.invalidate_all()  # quantities are read fresh by each request
        self.assertEqual(self.lamp.with_context(warehouse_id=self.wh_a.id).sm_channel_available_qty, 3.0)
        self.assertEqual(self.vase.with_context(warehouse_id=self.wh_b.id).sm_channel_available_qty, 45.0)
        self.assertEqual(self.soap.sm_channel_available_qty, 0.0)

    def test_salesman_sees_alerts_on_product(self):
        self.Alert._evaluate()
        self.assertEqual(self.lamp.product_tmpl_id.with_user(self.user_salesman).sm_open_alert_count, 1)

    def test_orderpoint_shows_safety(self):
        point = self.env["stock.warehouse.orderpoint"].create(
            {
                "product_id": self.lamp.id,
                "warehouse_id": self.wh_a.id,
                "location_id": self.wh_a.lot_stock_id.id,
                "product_min_qty": 2,
                "product_max_qty": 20,
            }
        )
        self.assertEqual(point.sm_safety_qty, 10)


def test_inventory_math():
    series = inventory.daily_series({0: 10, 2: 10}, 4)
    assert series == [10, 0, 10, 0]
    suggestion, mean, sigma = inventory.suggested_safety_stock(series, 0.95, 4)
    assert mean == 5 and sigma == 5
    assert abs(suggestion - 1.6449 * 5 * 2) < 0.01
    assert inventory.suggested_safety_stock([0, 0], 0.95, 4) == (0.0, 0.0, 0.0)
    assert inventory.days_of_cover(10, 0) is None
    assert inventory.days_of_cover(10, 2) == 5
    assert inventory.severity(0, 5, 10) == "critical"
    assert inventory.severity(4, 4, 10) == "high"
    assert inventory.severity(8, 9, 10) == "low"
    assert inventory.breaches([(1, 1, 5, 5, 0), (2, 1, 5, 15, 10), (3, 1, 20, 20, 10)]) == [(2, 1, 5, 15, 10)]


@tagged("post_install", "-at_install")
class TestCountVarianceAndCost(SalesMgmtOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.item = cls.env["product.product"].create(
            {"name": "Counted Item", "is_storable": True, "type": "consu", "standard_price": 4.0}
        )
        cls.env["stock.quant"]._update_available_quantity(cls.item, cls.warehouse.lot_stock_id, 20)

    def test_count_variance_with_reason(self):
        quant = self.env["stock.quant"].search(
            [("product_id", "=", self.item.id), ("location_id", "=", self.warehouse.lot_stock_id.id)]
        )
        quant.with_context(inventory_mode=True).write({"inventory_quantity": 17, "sm_reason_code": "damage"})
        quant.action_apply_inventory()
        self.assertEqual(quant.quantity, 17)
        self.assertFalse(quant.sm_reason_code)
        self.env.flush_all()
        row = self.env["sales.count.variance.report"].search([("product_id", "=", self.item.id)])
        self.assertEqual((row.system_qty, row.counted_qty, row.variance_qty), (20, 17, -3))
        self.assertAlmostEqual(row.variance_value, -12.0)
        self.assertEqual(row.reason_code, "damage")
        self.assertEqual(row.location_id, self.warehouse.lot_stock_id)
        self.assertEqual(row.warehouse_id, self.warehouse)

    def test_inventory_cost_snapshot_and_xlsx(self):
        self.company.write({"sm_storage_cost_rate": 10, "sm_transport_cost_rate": 5})
        Cost = self.env["sales.inventory.cost"]
        Cost.action_refresh()
        row = Cost.search([("product_id", "=", self.item.id)])
        self.assertEqual(row.quantity, 20)
        self.assertAlmostEqual(row.unit_cost, 4.0)
        self.assertAlmostEqual(row.landed_cost_unit, 4.6)
        self.assertAlmostEqual(row.landed_value, 92.0)
        Cost.action_refresh()  # a refresh replaces the snapshot
        row = Cost.search([("product_id", "=", self.item.id)])
        self.assertEqual(len(row), 1)
        content = Cost._xlsx(row)
        book = openpyxl.load_workbook(io.BytesIO(content))
        sheet = book.active
        self.assertEqual(sheet.title, "Inventory Cost")
        self.assertEqual(sheet["A2"].value, "Counted Item")
        self.assertEqual(sheet["C2"].value, 20)
        self.assertAlmostEqual(sheet["H2"].value, 4.6)
        self.assertIn("#,##0.00", sheet["H2"].number_format)
        action = row.action_export_xlsx()
        self.assertTrue(action["url"].startswith("/web/content/"))

    def test_cost_rates_validated(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.company.sm_storage_cost_rate = -1
            self.company.flush_recordset()
