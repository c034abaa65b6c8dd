from datetime import timedelta

from lxml import etree

from odoo import fields
from odoo.tests import new_test_user, tagged

from .common import SalesMgmtOrderCommon


@tagged("post_install", "-at_install")
class TestUiDisplay(SalesMgmtOrderCommon):
    """What the screens show: readable names, figures that do not mislead, replenishment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.company.sm_purchase_user_id = False
        cls.teapot = cls.env["product.product"].create({"name": "UI Teapot", "is_storable": True, "type": "consu"})
        cls.env["sales.safety.stock"].create(
            {"product_id": cls.teapot.id, "warehouse_id": cls.warehouse.id, "safety_qty": 10}
        )
        cls.env["stock.quant"]._update_available_quantity(cls.teapot, cls.warehouse.lot_stock_id, 3)
        cls.Alert = cls.env["sales.stock.alert"]

    def _alert(self):
        self.Alert._evaluate()
        return self.Alert.search([("product_id", "=", self.teapot.id), ("state", "!=", "resolved")])

    def test_alert_name_and_no_demand(self):
        alert = self._alert()
        self.assertEqual(alert.display_name, f"UI Teapot in {self.warehouse.name}")
        self.assertFalse(alert.has_demand)
        self.assertEqual(alert.days_of_cover, 0.0)
        self.assertEqual(alert.cover_label, "No demand")

    def test_alert_cover_with_demand(self):
        alert = self._alert()
        alert.write({"has_demand": True, "days_of_cover": 2.456})
        self.assertEqual(alert.cover_label, "2.5 days")

    def test_replenish_opens_replenishment_with_a_manual_rule(self):
        alert = self._alert()
        action = alert.with_user(self.env.ref("base.user_admin")).action_replenish()
        self.assertEqual(action["res_model"], "stock.warehouse.orderpoint")
        orderpoint = self.env["stock.warehouse.orderpoint"].search(action["domain"])
        self.assertEqual(len(orderpoint), 1)
        self.assertEqual(orderpoint.trigger, "manual")
        self.assertEqual(orderpoint.product_min_qty, 10)
        self.assertGreater(orderpoint.qty_to_order, 0)
        alert.action_replenish()  # a second click reuses the rule
        self.assertEqual(self.env["stock.warehouse.orderpoint"].search_count(action["domain"]), 1)

    def test_default_purchasing_contact(self):
        """Without a Purchasing Contact, the company's first Inventory Administrator gets the alerts."""
        expected = self.company._sm_purchase_contact()
        self.assertTrue(expected, "an Inventory Administrator exists in every database")
        self.assertIn(self.env.ref("stock.group_stock_manager"), expected.all_group_ids)
        alert = self._alert()
        self.assertEqual(alert.user_id, expected)
        buyer = new_test_user(self.env, "ui_buyer", groups="stock.group_stock_user")
        self.company.sm_purchase_user_id = buyer
        self.assertEqual(self.company._sm_purchase_contact(), buyer)

    def test_complaint_time_left(self):
        partner = self.env["res.partner"].create({"name": "UI Complainer"})
        now = fields.Datetime.now()
        complaint = self.env["sales.complaint"].create(
            {"name": "Late", "partner_id": partner.id, "severity": "high", "date_open": now - timedelta(hours=2)}
        )
        self.assertFalse(complaint.sla_overdue)
        self.assertRegex(complaint.sla_time_left, r"^(21|22) h \d+ min left$")
        self.assertEqual(complaint.display_name, f"{complaint.reference} Late")
        complaint.date_open = now - timedelta(days=3)
        self.assertTrue(complaint.sla_overdue)
        self.assertRegex(complaint.sla_time_left, r"^2 d \d+ h overdue$")
        complaint.action_resolve()
        self.assertEqual(complaint.sla_time_left, "Resolved late")
        self.assertFalse(complaint.sla_overdue)

    def test_inventory_cost_name(self):
        row = self.env["sales.inventory.cost"].create(
            {"product_id": self.teapot.id, "company_id": self.company.id, "quantity": 3}
        )
        self.assertEqual(row.display_name, "Inventory cost of UI Teapot")

    def test_views_for_phones(self):
        """Every list a salesperson uses has a card layout, which the phone opens first."""
        for xmlid in (
            "sales_mgmt_core.sales_stock_alert_action",
            "sales_mgmt_core.sales_target_action",
            "sales_mgmt_core.sales_visit_action",
            "sales_mgmt_core.sales_complaint_action",
            "sales_mgmt_core.sales_customer_score_action",
        ):
            action = self.env.ref(xmlid)
            self.assertIn("kanban", action.view_mode.split(","), xmlid)
            self.assertEqual(action.mobile_view_mode, "kanban")
        for xmlid in ("sales_target_action", "sales_visit_action", "sales_stock_alert_action"):
            self.assertTrue(self.env.ref(f"sales_mgmt_core.{xmlid}").help, f"{xmlid} has an empty state")

    def test_target_scores_not_stacked(self):
        arch = self.env["sales.target"].get_view(view_type="graph")["arch"]
        self.assertEqual(etree.fromstring(arch).get("stacked"), "0")

    def test_approval_tab_second_and_one_check_per_row(self):
        arch = etree.fromstring(self.env["sale.order"].get_view(view_type="form")["arch"])
        pages = [p.get("name") for p in arch.xpath("//notebook/page")]
        self.assertEqual(pages[pages.index("order_lines") + 1], "sales_mgmt_approval", "reachable on a phone")
        reasons = arch.xpath("//field[@name='hold_reason_ids']/list")[0]
        figures = {"credit_limit": "credit_limit", "exposure": "credit_limit", "overdue_amount": "overdue"}
        for field_name, check in figures.items():
            node = reasons.xpath(f"field[@name='{field_name}']")[0]
            self.assertIn(f"check != '{check}'", node.get("invisible"))
        self.assertTrue(arch.xpath("//field[@name='hold_reason_ids']/kanban"), "card layout on a phone")
