"""The approval over Odoo's external APIs: XML-RPC and JSON-2, as a non-admin integration.

Generated matrix: every transport by every way a salesperson could try to get a held order
confirmed. The held order must stay a quotation waiting for approval whatever the call.
"""

import xmlrpc.client
from datetime import date, datetime, timedelta

from odoo.tests import HttpCase, get_db_name, new_test_user, tagged

PASSWORD = "appr_rpc_pw1"
APPROVAL_TYPE = "sales_mgmt_core.mail_activity_type_order_approval"


class HeldOrderOverRpc(HttpCase):
    """A salesperson's customer over its credit limit: each ``_held()`` is a new held order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env, "appr_rpc_sales", password=PASSWORD, groups="sales_mgmt_core.group_sales_mgmt_user"
        )
        cls.customer = cls.env["res.partner"].create({"name": "RPC Credit", "user_id": cls.salesman.id})
        cls.customer.with_company(cls.env.company).credit_limit = 10
        cls.product = cls.env["product.product"].create({"name": "RPC Box", "type": "consu", "taxes_id": []})

    def _held(self):
        order = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [(0, 0, {"product_id": self.product.id, "price_unit": 100})],
                }
            )
        )
        order.action_confirm()
        self.assertEqual(order.approval_state, "pending")
        return order


@tagged("post_install", "-at_install")
class TestApprovalOverRpc(HeldOrderOverRpc):
    def _xmlrpc(self, model, method, args, kwargs=None):
        uid = self.xmlrpc_common.authenticate(get_db_name(), self.salesman.login, PASSWORD, {})
        return self.xmlrpc_object.execute_kw(get_db_name(), uid, PASSWORD, model, method, args, kwargs or {})

    def _json2(self, model, method, payload):
        key = (
            self.env["res.users.apikeys"]
            .with_user(self.salesman)
            ._generate(scope="rpc", name="appr", expiration_date=datetime.now() + timedelta(days=1))
        )
        res = self.url_open(
            f"/json/2/{model}/{method}",
            json=payload,
            method="POST",
            headers={"Authorization": f"Bearer {key}", "X-Odoo-Database": get_db_name()},
        )
        if res.status_code != 200:
            raise PermissionError(res.text)
        return res.json()

    def _call(self, transport, model, method, ids=None, values=None, context=None):
        """One call by either transport; refusals raise."""
        if transport == "xmlrpc":
            args = ([ids] if ids is not None else []) + ([values] if values is not None else [])
            return self._xmlrpc(model, method, args, {"context": context} if context else None)
        payload = {}
        if ids is not None:
            payload["ids"] = ids
        if values is not None:
            payload["vals_list" if method == "create" else "vals"] = [values] if method == "create" else values
        if context:
            payload["context"] = context
        return self._json2(model, method, payload)

    def test_matrix(self):
        attempts = {
            "confirm with the old skip key": lambda t, o: self._call(
                t, "sale.order", "action_confirm", [o.id], context={"sales_mgmt_skip_checks": True}
            ),
            "write approval_state": lambda t, o: self._call(
                t, "sale.order", "write", [o.id], {"approval_state": "approved"}
            ),
            "write approval_state then confirm": lambda t, o: (
                self._call(t, "sale.order", "write", [o.id], {"approval_state": "approved"}),
                self._call(t, "sale.order", "action_confirm", [o.id]),
            ),
            "write state": lambda t, o: self._call(t, "sale.order", "write", [o.id], {"state": "sale"}),
            "approve": lambda t, o: self._call(t, "sale.order", "action_approve", [o.id]),
            "delete hold reasons": lambda t, o: self._call(
                t, "sale.order.hold.reason", "unlink", o.hold_reason_ids.ids
            ),
        }
        creations = {
            "create approved": {"approval_state": "approved"},
            "create confirmed": {"state": "sale"},
        }
        for transport in ("xmlrpc", "json2"):
            for name, attempt in attempts.items():
                with self.subTest(transport=transport, attempt=name):
                    order = self._held()
                    outcome = "accepted"
                    try:
                        attempt(transport, order)
                    except (xmlrpc.client.Fault, PermissionError) as error:
                        outcome = type(error).__name__
                    order.invalidate_recordset()
                    self.assertEqual((order.state, order.approval_state), ("draft", "pending"), outcome)
                    self.assertTrue(order.hold_reason_ids)
            for name, extra in creations.items():
                with self.subTest(transport=transport, attempt=name):
                    before = self.env["sale.order"].search_count([("partner_id", "=", self.customer.id)])
                    values = {
                        "partner_id": self.customer.id,
                        "order_line": [(0, 0, {"product_id": self.product.id, "price_unit": 100})],
                        **extra,
                    }
                    refused = False
                    try:
                        self._call(transport, "sale.order", "create", values=values)
                    except (xmlrpc.client.Fault, PermissionError):
                        refused = True
                    self.assertTrue(refused, f"{name} over {transport} was accepted")
                    self.assertEqual(
                        self.env["sale.order"].search_count([("partner_id", "=", self.customer.id)]), before
                    )


@tagged("post_install", "-at_install")
class TestApprovalActivityOverRpc(HeldOrderOverRpc):
    """The approvers' "Approve or reject" activities: a salesperson could unlink, mark done or edit
    those of their held order, leaving it pending with nobody asked to decide. Matrix: salesperson /
    other salesperson / approver / Sales administrator by every way of closing or changing one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        def user(login, group):
            return new_test_user(cls.env, login, password=PASSWORD, groups=group)

        cls.other_salesman = user("appr_act_sales2", "sales_mgmt_core.group_sales_mgmt_user")
        cls.approver = user("appr_act_approver", "sales_mgmt_core.group_credit_approver")
        cls.manager = user("appr_act_manager", "sales_mgmt_core.group_sales_mgmt_manager")

    def _activities(self, order):
        order.invalidate_recordset()
        return order.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(APPROVAL_TYPE))

    def _xmlrpc_as(self, user, model, method, args, kwargs=None):
        uid = self.xmlrpc_common.authenticate(get_db_name(), user.login, PASSWORD, {})
        return self.xmlrpc_object.execute_kw(get_db_name(), uid, PASSWORD, model, method, args, kwargs or {})

    def test_matrix(self):
        deadline = (date.today() + timedelta(days=9)).isoformat()
        operations = {
            "unlink": ("unlink", []),
            "action_feedback": ("action_feedback", [], {"feedback": "done"}),
            "action_done": ("action_done", []),
            "action_cancel": ("action_cancel", []),
            "write deadline": ("write", [{"date_deadline": deadline}]),
            "write assignee": ("write", [{"user_id": self.salesman.id}]),
        }
        allowed = {self.salesman: False, self.other_salesman: False, self.approver: True, self.manager: True}
        for user, may in allowed.items():
            for name, (method, extra, *kwargs) in operations.items():
                with self.subTest(user=user.login, operation=name):
                    order = self._held()
                    activities = self._activities(order)
                    if user == self.approver:  # the assignee, on their own activity
                        activities = activities.filtered(lambda a: a.user_id == self.approver)
                    self.assertTrue(activities)
                    refused = None
                    try:
                        self._xmlrpc_as(user, "mail.activity", method, [activities.ids, *extra], *kwargs)
                    except xmlrpc.client.Fault as fault:
                        refused = fault.faultString
                    if may:
                        # action_cancel returns None, which XML-RPC cannot marshal: it ran all the same
                        self.assertTrue(refused is None or "cannot marshal None" in refused, refused)
                        activities.invalidate_recordset()
                        changed = activities.with_context(active_test=False).exists()
                        if method == "write":
                            self.assertEqual(changed, activities)
                            self.assertEqual(
                                set(changed.mapped("date_deadline" if "deadline" in name else "user_id")),
                                {date.fromisoformat(deadline)} if "deadline" in name else {self.salesman},
                            )
                        else:
                            self.assertFalse(changed.filtered("active"), name)
                    else:
                        self.assertIsNotNone(refused, f"{name} by {user.login} was accepted")
                        self.assertEqual(self._activities(order), activities)
                        self.assertEqual(order.approval_state, "pending")
                        if user == self.salesman:
                            self.assertIn("Only the approver it is assigned to", refused)

    def test_salesperson_can_still_cancel_the_held_order(self):
        order = self._held()
        self._xmlrpc_as(self.salesman, "sale.order", "action_cancel", [[order.id]])
        order.invalidate_recordset()
        self.assertEqual((order.state, order.approval_state), ("cancel", "none"))
        self.assertFalse(self._activities(order))
