"""Issue 17, round 4: applying safety-stock suggestions (rounding, alert re-evaluation, "No demand")."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import BaseCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..tools import inventory
from .common import SalesMgmtOrderCommon


@tagged("post_install", "-at_install")
class TestSafetyStockApply(SalesMgmtOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_stock = new_test_user(cls.env, "sm_stock_user", groups="stock.group_stock_user", name="Ivy Inventory")
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.company.sm_purchase_user_id = cls.user_stock
        Product = cls.env["product.product"]
        cls.tea_set = Product.create({"name": "Tea Set", "is_storable": True, "type": "consu"})
        cls.tea_leaves = Product.create(
            {
                "name": "Loose Tea",
                "is_storable": True,
                "type": "consu",
                "uom_id": cls.env.ref("uom.product_uom_kgm").id,
            }
        )
        cls.chair = Product.create({"name": "Quiet Chair", "is_storable": True, "type": "consu"})
        cls.customer = cls.env["res.partner"].create({"name": "Safety Stock Buyer"})
        for product, qty in ((cls.tea_set, 100), (cls.tea_leaves, 100), (cls.chair, 10)):
            cls.env["stock.quant"]._update_available_quantity(product, cls.warehouse.lot_stock_id, qty)
        # Deliveries giving a fractional suggestion: 2 + 9 + 1 + 6 over the 90-day window, 10 days of
        # lead time: 1.645 x 1.147 x sqrt(10) = 5.97 units (2.21 kg for 0.37 kg a unit).
        for days_ago, qty in ((3, 2), (10, 9), (20, 1), (30, 6)):
            with freeze_time(fields.Datetime.now() - timedelta(days=days_ago)):
                cls._ship(cls.tea_set, qty)
                cls._ship(cls.tea_leaves, qty * 0.37)
        # 82 left: 6 free, below the 20 of safety stock but not below the suggestion.
        free = cls.tea_set.with_context(warehouse_id=cls.warehouse.id).free_qty
        cls.env["stock.quant"]._update_available_quantity(cls.tea_set, cls.warehouse.lot_stock_id, 6 - free)
        Safety = cls.env["sales.safety.stock"]
        cls.tea_set_safety = Safety.create(
            {"product_id": cls.tea_set.id, "warehouse_id": cls.warehouse.id, "safety_qty": 20, "lead_time_days": 10}
        )
        cls.leaves_safety = Safety.create(
            {"product_id": cls.tea_leaves.id, "warehouse_id": cls.warehouse.id, "safety_qty": 20, "lead_time_days": 10}
        )
        cls.chair_safety = Safety.create(
            {"product_id": cls.chair.id, "warehouse_id": cls.warehouse.id, "safety_qty": 30, "lead_time_days": 7}
        )
        cls.Alert = cls.env["sales.stock.alert"]
        cls.env.cr.precommit.run()  # the fixtures' commit: alerts raised with the thresholds above

    @classmethod
    def _ship(cls, product, qty):
        order = cls._order(cls.customer, 10, confirm=False)
        order.order_line.write({"product_id": product.id, "product_uom_qty": qty})
        order.action_confirm()
        order.picking_ids.move_ids.quantity = qty
        order.picking_ids.move_ids.picked = True
        order.picking_ids.button_validate()

    def _alert(self, product):
        return self.Alert.search([("product_id", "=", product.id), ("warehouse_id", "=", self.warehouse.id)])

    def _commit(self):
        self.env.cr.precommit.run()  # what the commit of the request or of the cron does

    # ------------------------------------------------------------------ rounding
    def test_suggestion_rounded_up_to_whole_units(self):
        record = self.tea_set_safety.with_user(self.user_stock)
        record.action_compute_suggestion()
        self.assertTrue(record.has_demand_history)
        self.assertEqual(record.suggested_qty, 6.0, "5.97 units rounded up to whole units")
        record.action_apply_suggestion()
        self.assertEqual(record.safety_qty, 6.0)

    def test_suggestion_rounded_up_to_kg_precision(self):
        record = self.leaves_safety.with_user(self.user_stock)
        record.action_compute_suggestion()
        raw = inventory.suggested_safety_stock(
            inventory.daily_series({90 - d: q * 0.37 for d, q in ((3, 2), (10, 9), (20, 1), (30, 6))}, 90), 0.95, 10
        )[0]
        self.assertEqual(record.suggested_qty, inventory.round_up(raw, 0.01))
        self.assertNotEqual(record.suggested_qty, round(record.suggested_qty), "kg keeps its decimals")
        self.assertGreaterEqual(record.suggested_qty, raw)

    def test_pack_counted_in_whole_packs(self):
        self.chair.uom_id = self.env.ref("uom.product_uom_pack_6")
        self.assertEqual(self.chair_safety._sm_round_up(2.1), 3.0)

    # ------------------------------------------------------------------ alerts follow the threshold
    def test_apply_resolves_alert_now_above_threshold(self):
        self.Alert._evaluate()
        alert = self._alert(self.tea_set)
        self.assertEqual((alert.state, alert.free_qty, alert.threshold), ("open", 6, 20))
        self.assertIn("20.00", alert.activity_ids.summary)
        self.tea_set_safety.with_user(self.user_stock).action_apply_suggestion()
        self._commit()
        self.assertEqual(self.tea_set_safety.safety_qty, 6.0)
        self.assertEqual(alert.state, "resolved", "6 free is not below a threshold of 6")
        self.assertFalse(alert.activity_ids)

    def test_apply_updates_activity_when_still_below(self):
        self.env["stock.quant"]._update_available_quantity(self.tea_set, self.warehouse.lot_stock_id, -2)  # 4 free
        self.Alert._evaluate()
        alert = self._alert(self.tea_set)
        self.tea_set_safety.with_user(self.user_stock).action_apply_suggestion()
        self._commit()
        self.assertEqual((alert.state, alert.threshold), ("open", 6))
        self.assertEqual(alert.activity_ids.summary, alert._sm_activity_summary(self.user_stock.lang))
        self.assertIn("6.00 Units needed", alert.activity_ids.summary)
        self.assertNotIn("20.00", alert.activity_ids.summary)

    def test_nightly_auto_apply_reevaluates(self):
        self.Alert._evaluate()
        alert = self._alert(self.tea_set)
        self.tea_set_safety.auto_apply = True
        self.env["sales.safety.stock"]._cron_compute_suggestions()
        self._commit()
        self.assertEqual(self.tea_set_safety.safety_qty, 6.0)
        self.assertEqual(alert.state, "resolved")

    def test_threshold_edited_by_hand_reevaluates(self):
        self.Alert._evaluate()
        alert = self._alert(self.tea_set)
        self.tea_set_safety.with_user(self.user_stock).safety_qty = 5
        self._commit()
        self.assertEqual(alert.state, "resolved")
        self.tea_set_safety.with_user(self.user_stock).safety_qty = 12
        self._commit()
        reopened = self._alert(self.tea_set).filtered(lambda a: a.state == "open")
        self.assertEqual(reopened.threshold, 12)

    def test_deleting_threshold_resolves_alert(self):
        self.Alert._evaluate()
        alert = self._alert(self.chair)
        self.assertEqual(alert.state, "open")
        self.chair_safety.with_user(self.user_stock).unlink()
        self._commit()
        self.assertEqual(alert.state, "resolved")

    def test_queued_reevaluation_does_not_collide_with_explicit_one(self):
        lamp = self.env["product.product"].create({"name": "Queued Lamp", "is_storable": True, "type": "consu"})
        self.env["sales.safety.stock"].with_user(self.user_stock).create(
            {"product_id": lamp.id, "warehouse_id": self.warehouse.id, "safety_qty": 5}
        )  # queued for the commit
        with self.assertNoLogs("odoo.sql_db", "ERROR"):
            result = self.Alert._evaluate()  # the nightly evaluation in the same transaction
        self.assertEqual(result["created"], 1)
        self.assertEqual(len(self._alert(lamp)), 1)
        self._commit()
        self.assertEqual(len(self._alert(lamp)), 1)

    def test_salesperson_cannot_apply(self):
        record = self.tea_set_safety.with_user(self.user_salesman)
        self.assertEqual(record.safety_qty, 20)  # reads it
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            record.action_apply_suggestion()
        self.assertEqual(self.tea_set_safety.safety_qty, 20)
        arch = self.env["sales.safety.stock"].with_user(self.user_salesman).get_views([(False, "list")])
        self.assertNotIn("action_apply_suggestion", arch["views"]["list"]["arch"])

    # ------------------------------------------------------------------ "No demand"
    def test_row_without_history_says_no_demand(self):
        record = self.chair_safety.with_user(self.user_stock)
        self.assertTrue(record.suggestion_date, "computed when created")
        self.assertFalse(record.has_demand_history)
        self.assertEqual((record.demand_label, record.suggestion_label), ("No demand", "No demand"))
        with_history = self.tea_set_safety.with_user(self.user_stock)
        self.assertEqual(with_history.suggestion_label, "6.00")
        self.assertEqual(with_history.demand_label, "0.20")

    def test_row_without_history_says_no_demand_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        record = self.chair_safety.with_context(lang="zh_CN")
        self.assertEqual(record.demand_label, "无需求")  # passes once the zh_CN terms are merged

    def test_parameters_changed_recompute_suggestion(self):
        record = self.tea_set_safety.with_user(self.user_stock)
        before = record.suggested_qty
        record.lead_time_days = 40  # sqrt(40 / 10) = twice the suggestion, rounded up
        self.assertGreater(record.suggested_qty, before)


@tagged("post_install", "-at_install")
class TestRoundUp(BaseCase):
    def test_round_up(self):
        self.assertEqual(inventory.round_up(3.46, 1.0), 4.0)
        self.assertEqual(inventory.round_up(3.0, 1.0), 3.0)
        self.assertEqual(inventory.round_up(1.231, 0.01), 1.24)
        self.assertEqual(inventory.round_up(1.23, 0.01), 1.23)
        self.assertEqual(inventory.round_up(0.0, 1.0), 0.0)
        self.assertEqual(inventory.round_up(2.5, 0), 2.5)
