"""Integration over Odoo's external APIs, as an integrator's script would use them.

Talks to the test server started by the harness (`HttpCase`): XML-RPC (deprecated in
Odoo 19, still widely used) and the JSON-2 API with an API key. Runs as non-admin users.
"""

import xmlrpc.client
from datetime import datetime, timedelta

from odoo.tests import HttpCase, get_db_name, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestExternalApi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env, "rpc_salesman", password="rpc_salesman_pw1", groups="sales_mgmt_core.group_sales_mgmt_user"
        )
        cls.manager = new_test_user(
            cls.env, "rpc_manager", password="rpc_manager_pw1", groups="sales_mgmt_core.group_sales_mgmt_manager"
        )
        cls.internal = new_test_user(cls.env, "rpc_internal", password="rpc_internal_pw1", groups="base.group_user")
        cls.partner = cls.env["res.partner"].create(
            {
                "name": "RPC Customer",
                "customer_rank": 1,
                "user_id": cls.salesman.id,  # their own customer: they read its scores
                "customer_tier_id": cls.env.ref("sales_mgmt_core.customer_tier_gold").id,
            }
        )

    def _xmlrpc_uid(self, login, password):
        uid = self.xmlrpc_common.authenticate(get_db_name(), login, password, {})
        self.assertTrue(uid, f"{login} could not authenticate over XML-RPC")
        return uid

    def test_xmlrpc_salesman_reads_tier(self):
        uid = self._xmlrpc_uid("rpc_salesman", "rpc_salesman_pw1")
        rows = self.xmlrpc_object.execute_kw(
            get_db_name(),
            uid,
            "rpc_salesman_pw1",
            "sales.customer.score",
            "search_read",
            [[["partner_id", "=", self.partner.id]]],
            {"fields": ["partner_id", "customer_tier_id"]},
        )
        self.assertEqual(rows[0]["customer_tier_id"][1], "Gold")
        tiers = self.xmlrpc_object.execute_kw(
            get_db_name(), uid, "rpc_salesman_pw1", "sales.customer.tier", "search_read", [[]], {"fields": ["name"]}
        )
        self.assertIn("VIP", [t["name"] for t in tiers])

    def test_xmlrpc_salesman_cannot_edit_tiers(self):
        uid = self._xmlrpc_uid("rpc_salesman", "rpc_salesman_pw1")
        with self.assertRaises(xmlrpc.client.Fault) as fault:
            self.xmlrpc_object.execute_kw(
                get_db_name(), uid, "rpc_salesman_pw1", "sales.customer.tier", "create", [{"name": "Hacked"}]
            )
        self.assertIn("not allowed to create", fault.exception.faultString)

    def test_xmlrpc_internal_user_denied(self):
        uid = self._xmlrpc_uid("rpc_internal", "rpc_internal_pw1")
        with self.assertRaises(xmlrpc.client.Fault):
            self.xmlrpc_object.execute_kw(get_db_name(), uid, "rpc_internal_pw1", "sales.customer.tier", "search", [[]])

    def _json2(self, user, model, method, payload):
        key = (
            self.env["res.users.apikeys"]
            .with_user(user)
            ._generate(scope="rpc", name="test", expiration_date=datetime.now() + timedelta(days=1))
        )
        return self.url_open(
            f"/json/2/{model}/{method}",
            json=payload,
            method="POST",
            headers={"Authorization": f"Bearer {key}", "X-Odoo-Database": get_db_name()},
        )

    def test_json2_salesman_reads_tier(self):
        res = self._json2(
            self.salesman,
            "sales.customer.score",
            "search_read",
            {"domain": [["partner_id", "=", self.partner.id]], "fields": ["customer_tier_id"]},
        )
        self.assertEqual(res.status_code, 200, res.text)
        self.assertEqual(res.json()[0]["customer_tier_id"][1], "Gold")

    def test_json2_internal_user_forbidden(self):
        res = self._json2(self.internal, "sales.customer.tier", "search_read", {"domain": []})
        self.assertEqual(res.status_code, 403, res.text)

    def test_xmlrpc_manager_recomputes_segments(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.partner.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "name": "Gift",
                            "product_id": self.env["product.product"].create({"name": "Gift"}).id,
                            "price_unit": 500,
                        },
                    )
                ],
            }
        )
        order.action_confirm()
        uid = self._xmlrpc_uid("rpc_manager", "rpc_manager_pw1")
        self.xmlrpc_object.execute_kw(
            get_db_name(), uid, "rpc_manager_pw1", "res.partner", "action_recompute_customer_segments", [[]]
        )
        rows = self.xmlrpc_object.execute_kw(
            get_db_name(),
            uid,
            "rpc_manager_pw1",
            "res.partner",
            "read",
            [[self.partner.id]],
            {"fields": ["rfm_segment", "lifecycle_stage", "sm_order_count", "customer_tier_id"]},
        )
        self.assertEqual(rows[0]["sm_order_count"], 1)
        self.assertEqual(rows[0]["lifecycle_stage"], "new")
        self.assertTrue(rows[0]["rfm_segment"])
        self.assertEqual(rows[0]["customer_tier_id"][1], "Newcomer")  # one order: below "Regular"

    def test_xmlrpc_salesman_cannot_recompute(self):
        uid = self._xmlrpc_uid("rpc_salesman", "rpc_salesman_pw1")
        with self.assertRaises(xmlrpc.client.Fault) as fault:
            self.xmlrpc_object.execute_kw(
                get_db_name(), uid, "rpc_salesman_pw1", "res.partner", "action_recompute_customer_segments", [[]]
            )
        self.assertIn("Only Sales Management managers", fault.exception.faultString)

    def test_json2_manager_recomputes_segments(self):
        res = self._json2(self.manager, "res.partner", "action_recompute_customer_segments", {})
        self.assertEqual(res.status_code, 200, res.text)
        self.assertEqual(res.json()["tag"], "display_notification")

    def test_xmlrpc_integration_user_confirm_is_held_then_approved_over_json2(self):
        """An integration user (plain salesperson rights) pushes and confirms an order over
        XML-RPC: the credit check applies, whatever the caller; an approver approves over JSON-2."""
        self.partner.credit_limit = 50
        product = self.env["product.product"].create({"name": "RPC Gift", "type": "consu", "taxes_id": []})
        approver = new_test_user(self.env, "rpc_approver", groups="sales_mgmt_core.group_credit_approver")
        uid = self._xmlrpc_uid("rpc_salesman", "rpc_salesman_pw1")
        db, pw = get_db_name(), "rpc_salesman_pw1"
        order_id = self.xmlrpc_object.execute_kw(
            db,
            uid,
            pw,
            "sale.order",
            "create",
            [{"partner_id": self.partner.id, "order_line": [(0, 0, {"product_id": product.id, "price_unit": 80})]}],
        )
        self.xmlrpc_object.execute_kw(
            db, uid, pw, "sale.order", "action_confirm", [[order_id]], {"context": {"sales_mgmt_skip_checks": True}}
        )
        state = self.xmlrpc_object.execute_kw(
            db, uid, pw, "sale.order", "read", [[order_id], ["state", "approval_state"]]
        )
        self.assertEqual((state[0]["state"], state[0]["approval_state"]), ("draft", "pending"))
        with self.assertRaises(xmlrpc.client.Fault):
            self.xmlrpc_object.execute_kw(db, uid, pw, "sale.order", "action_approve", [[order_id]])
        res = self._json2(approver, "sale.order", "action_approve", {"ids": [order_id]})
        self.assertEqual(res.status_code, 200, res.text)
        self.assertEqual(self.env["sale.order"].browse(order_id).state, "sale")

    def test_xmlrpc_stock_alerts_and_channel_quantity(self):
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        product = self.env["product.product"].create({"name": "RPC Lamp", "type": "consu", "is_storable": True})
        self.env["sales.safety.stock"].create({"product_id": product.id, "warehouse_id": warehouse.id, "safety_qty": 5})
        self.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 8)
        self.env["sales.stock.alert"]._evaluate()
        uid = self._xmlrpc_uid("rpc_salesman", "rpc_salesman_pw1")
        db, pw = get_db_name(), "rpc_salesman_pw1"
        qty = self.xmlrpc_object.execute_kw(
            db,
            uid,
            pw,
            "product.product",
            "read",
            [[product.id], ["sm_channel_available_qty"]],
            {"context": {"warehouse_id": warehouse.id}},
        )
        self.assertEqual(qty[0]["sm_channel_available_qty"], 3.0)
        alerts = self.xmlrpc_object.execute_kw(
            db, uid, pw, "sales.stock.alert", "search_read", [[["product_id", "=", product.id]]], {"fields": ["state"]}
        )
        self.assertEqual(alerts, [])  # 8 free >= 5: no alert
        self.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, -6)
        self.env["sales.stock.alert"]._evaluate()
        alerts = self.xmlrpc_object.execute_kw(
            db,
            uid,
            pw,
            "sales.stock.alert",
            "search_read",
            [[["product_id", "=", product.id]]],
            {"fields": ["state", "severity", "free_qty"]},
        )
        self.assertEqual([(a["state"], a["free_qty"]) for a in alerts], [("open", 2.0)])
        with self.assertRaises(xmlrpc.client.Fault):
            self.xmlrpc_object.execute_kw(
                db, uid, pw, "sales.stock.alert", "write", [[alerts[0]["id"]], {"state": "resolved"}]
            )

    def test_xmlrpc_lead_assigned_by_workload_and_json2_targets(self):
        """A web-form integration creates pool leads over XML-RPC; salespeople read their own targets."""
        db, pw = get_db_name(), "rpc_salesman_pw1"
        other = new_test_user(self.env, "rpc_salesman2", groups="sales_mgmt_core.group_sales_mgmt_user")
        team = self.env["crm.team"].create({"name": "RPC Team", "sm_workload_assignment": True})
        self.env["crm.team.member"].create([{"crm_team_id": team.id, "user_id": u.id} for u in (self.salesman, other)])
        self.env["crm.lead"].create({"name": "Busy", "user_id": other.id, "team_id": team.id})
        uid = self._xmlrpc_uid("rpc_salesman", pw)
        lead_id = self.xmlrpc_object.execute_kw(
            db, uid, pw, "crm.lead", "create", [{"name": "Web form", "team_id": team.id, "user_id": False}]
        )
        lead = self.xmlrpc_object.execute_kw(db, uid, pw, "crm.lead", "read", [[lead_id], ["user_id"]])
        self.assertEqual(lead[0]["user_id"][0], self.salesman.id, "lowest load: the salesman has none")
        Target = self.env["sales.target"]
        own = Target.create({"user_id": self.salesman.id, "target_won": 2})
        Target.create({"user_id": other.id, "target_won": 2})
        res = self._json2(self.salesman, "sales.target", "search_read", {"domain": [], "fields": ["name", "score"]})
        self.assertEqual(res.status_code, 200, res.text)
        self.assertEqual([t["id"] for t in res.json()], own.ids)
        res = self._json2(self.salesman, "sales.target", "write", {"ids": own.ids, "vals": {"target_won": 1}})
        self.assertEqual(res.status_code, 403, res.text)

    def test_xmlrpc_analytics_kpis_and_analysis(self):
        """An integrator reads KPIs and grouped analysis figures over XML-RPC and JSON-2."""
        db, pw = get_db_name(), "rpc_salesman_pw1"
        product = self.env["product.product"].create({"name": "RPC analytics", "type": "consu", "taxes_id": []})
        order = self.env["sale.order"].create(
            {
                "partner_id": self.partner.id,
                "user_id": self.salesman.id,
                "order_line": [(0, 0, {"product_id": product.id, "price_unit": 80, "product_uom_qty": 2})],
            }
        )
        order.with_context(sales_mgmt_skip_checks=True).action_confirm()
        today = order.date_order.date().isoformat()
        uid = self._xmlrpc_uid("rpc_salesman", pw)
        kpis = self.xmlrpc_object.execute_kw(db, uid, pw, "sales.kpi", "get_kpis", [today, today, "user"])
        self.assertEqual([(k["name"], k["orders"], k["revenue"]) for k in kpis], [(self.salesman.name, 1, 160.0)])
        groups = self.xmlrpc_object.execute_kw(
            db,
            uid,
            pw,
            "sales.analysis.report",
            "read_group",
            [[["product_id", "=", product.id]], ["price_subtotal:sum"], ["user_id"]],
        )
        self.assertEqual(groups[0]["price_subtotal"], 160.0)
        with self.assertRaises(xmlrpc.client.Fault) as fault:
            self.xmlrpc_object.execute_kw(db, uid, pw, "sales.kpi", "get_kpis", [today, "bad", "none"])
        self.assertIn("YYYY-MM-DD", fault.exception.faultString)
        res = self._json2(self.manager, "sales.kpi", "get_kpis", {"date_from": today, "date_to": today})
        self.assertEqual(res.status_code, 200, res.text)
        self.assertEqual(res.json()[0]["orders"], 1)

    def test_channel_import_over_xmlrpc_and_json2_then_retry(self):
        """An integration user pushes orders (XML-RPC and JSON-2); a channel administrator maps
        the unknown SKU and retries the failed record over XML-RPC."""
        integration = new_test_user(
            self.env,
            "rpc_integration",
            password="rpc_integration_pw1",
            groups="sales_mgmt_channels.group_channel_import",
        )
        new_test_user(
            self.env, "rpc_channel_admin", password="rpc_admin_pw1", groups="sales_mgmt_channels.group_channel_admin"
        )
        product = self.env["product.product"].create(
            {"name": "RPC mug", "type": "consu", "default_code": "RPC-MUG", "taxes_id": [(5, 0, 0)]}
        )
        channel = self.env["sales.channel"].create({"name": "RPC shop", "channel_type": "json"})

        def order(ref, sku):
            return {
                "id": ref,
                "updated_at": "2026-11-20T10:00:00Z",
                "status": "pending",
                "currency": self.env.company.currency_id.name,
                "customer": {"id": "rpc-buyer", "name": "RPC buyer", "email": "rpc.buyer@example.com"},
                "lines": [{"id": "1", "sku": sku, "quantity": 2, "unit_price": 3}],
                "total": 6,
            }

        db = get_db_name()
        uid = self._xmlrpc_uid("rpc_integration", "rpc_integration_pw1")
        result = self.xmlrpc_object.execute_kw(
            db, uid, "rpc_integration_pw1", "sales.channel", "import_orders",
            [[channel.id], [order("R-1", "RPC-MUG"), order("R-2", "RPC-CUP")]],
        )  # fmt: skip
        self.assertEqual((result["done"], result["failed"]), (1, 1))
        res = self._json2(
            integration, "sales.channel", "import_orders", {"ids": [channel.id], "payloads": [order("R-3", "RPC-MUG")]}
        )
        self.assertEqual(res.status_code, 200, res.text)
        self.assertEqual(res.json()["done"], 1)
        with self.assertRaises(xmlrpc.client.Fault):  # nothing else for the integration user
            self.xmlrpc_object.execute_kw(
                db,
                uid,
                "rpc_integration_pw1",
                "sales.channel.import.record",
                "search_read",
                [[]],
                {"fields": ["state"]},
            )

        admin_uid = self._xmlrpc_uid("rpc_channel_admin", "rpc_admin_pw1")

        def admin(model, method, *args):
            return self.xmlrpc_object.execute_kw(db, admin_uid, "rpc_admin_pw1", model, method, list(args))

        failed = admin("sales.channel.import.record", "search_read", [("state", "=", "failed")], ["error"])
        self.assertEqual(len(failed), 1)
        self.assertIn("Unknown SKU RPC-CUP", failed[0]["error"])
        admin(
            "sales.channel.product.map",
            "create",
            {"channel_id": channel.id, "sku": "RPC-CUP", "product_id": product.id},
        )
        admin("sales.channel.import.record", "action_retry", [failed[0]["id"]])
        state = admin("sales.channel.import.record", "read", [failed[0]["id"]], ["state", "order_id"])[0]
        self.assertEqual(state["state"], "done")
        self.assertTrue(state["order_id"])
