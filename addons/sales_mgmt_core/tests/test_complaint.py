from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import SalesMgmtOrderCommon


@tagged("post_install", "-at_install")
class TestComplaint(SalesMgmtOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Carl Customer", "user_id": cls.user_salesman.id})
        cls.other_customer = cls.env["res.partner"].create({"name": "Olga Other", "user_id": cls.user_salesman_2.id})
        cls.order = cls._order(cls.customer, 120)

    def test_form_sla_and_lifecycle(self):
        with Form(self.env["sales.complaint"].with_user(self.user_salesman)) as form:
            form.name = "Parcel damaged"
            form.partner_id = self.customer
            form.order_id = self.order
            form.severity = "critical"
        complaint = form.record
        self.assertTrue(complaint.reference.startswith("CMP/"))
        self.assertEqual(complaint.sla_deadline, complaint.date_open + timedelta(hours=4))
        complaint.action_start()
        complaint.date_open = complaint.date_open - timedelta(hours=5)
        complaint.action_resolve()
        self.assertTrue(complaint.is_closed)
        self.assertTrue(complaint.sla_breached)
        self.assertGreater(complaint.resolution_hours, 4)
        complaint.action_reopen()
        self.assertFalse(complaint.date_resolved)
        self.assertFalse(complaint.sla_breached)
        complaint.action_close()
        self.assertTrue(complaint.date_resolved and complaint.date_closed)

    def test_sla_hours_configurable(self):
        self.env["ir.config_parameter"].sudo().set_param("sales_mgmt.complaint_sla_hours.low", "10")
        complaint = self.env["sales.complaint"].create(
            {"name": "Slow reply", "partner_id": self.customer.id, "severity": "low"}
        )
        self.assertEqual(complaint.sla_deadline, complaint.date_open + timedelta(hours=10))

    def test_smart_buttons_and_counts(self):
        self.env["sales.complaint"].create(
            [
                {"name": "A", "partner_id": self.customer.id, "order_id": self.order.id},
                {"name": "B", "partner_id": self.customer.id, "state": "closed"},
            ]
        )
        self.assertEqual(self.customer.complaint_count, 2)
        self.assertEqual(self.customer.open_complaint_count, 1)
        self.assertEqual(self.order.complaint_count, 1)
        action = self.customer.action_view_complaints()
        self.assertEqual(sorted(self.env["sales.complaint"].search(action["domain"]).mapped("name")), ["A", "B"])

    def test_salesman_sees_own_customers_complaints_only(self):
        mine = self.env["sales.complaint"].create(
            {"name": "Mine", "partner_id": self.customer.id, "user_id": self.user_manager.id}
        )
        theirs = self.env["sales.complaint"].create(
            {"name": "Theirs", "partner_id": self.other_customer.id, "user_id": self.user_manager.id}
        )
        visible = self.env["sales.complaint"].with_user(self.user_salesman).search([])
        self.assertIn(mine, visible)
        self.assertNotIn(theirs, visible)
        with self.assertRaises(AccessError):
            theirs.with_user(self.user_salesman).read(["name"])
        with self.assertRaises(AccessError):
            mine.with_user(self.user_salesman).unlink()
        self.assertIn(theirs, self.env["sales.complaint"].with_user(self.user_manager).search([]))

    def test_internal_user_has_no_access(self):
        with self.assertRaises(AccessError):
            self.env["sales.complaint"].with_user(self.user_internal).search([])
