import xmlrpc.client

from odoo.tests import HttpCase, get_db_name, new_test_user, tagged

PASSWORD = "sm_rpc_sales_pw1"


@tagged("post_install", "-at_install")
class TestPartnerSecurityRpc(HttpCase):
    """Scores and credit controls over XML-RPC, as an integrator with salesperson rights sees them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env, "sm_rpc_sales", password=PASSWORD, groups="sales_mgmt_core.group_sales_mgmt_user"
        )
        other = new_test_user(cls.env, "sm_rpc_other", groups="sales_mgmt_core.group_sales_mgmt_user")
        gold = cls.env.ref("sales_mgmt_core.customer_tier_gold")
        Partner = cls.env["res.partner"]
        cls.mine = Partner.create({"name": "RPC Mine", "user_id": cls.salesman.id, "customer_tier_id": gold.id})
        cls.theirs = Partner.create(
            {"name": "RPC Theirs", "user_id": other.id, "customer_tier_id": gold.id, "sm_credit_block": True}
        )

    def _call(self, model, method, *args, **kwargs):
        uid = self.xmlrpc_common.authenticate(get_db_name(), "sm_rpc_sales", PASSWORD, {})
        return self.xmlrpc_object.execute_kw(get_db_name(), uid, PASSWORD, model, method, list(args), kwargs)

    def test_scores_of_other_customers_refused(self):
        theirs = self.theirs.id
        calls = [
            ("read", [theirs], ["customer_tier_id"]),
            ("search_read", [["id", "=", theirs]], ["sm_lifetime_value"]),
            ("read_group", [], ["sm_lifetime_value:sum"], ["rfm_segment"]),
            ("formatted_read_group", [], ["customer_tier_id"], ["__count"]),
            ("search", [["sm_lifetime_value", ">", 0]]),
        ]
        for method, *args in calls:
            with self.subTest(method=method), self.assertRaises(xmlrpc.client.Fault) as fault:
                self._call("res.partner", method, *args)
            self.assertIn("enough rights", fault.exception.faultString)
        rows = self._call(
            "sales.customer.score",
            "search_read",
            [["partner_id", "in", [self.mine.id, theirs]]],
            fields=["partner_id", "customer_tier_id"],
        )
        self.assertEqual([(r["partner_id"][0], r["customer_tier_id"][1]) for r in rows], [(self.mine.id, "Gold")])

    def test_credit_controls_refused(self):
        with self.assertRaises(xmlrpc.client.Fault) as fault:
            self._call("res.partner", "write", [self.theirs.id], {"sm_credit_block": False})
        self.assertIn("Credit Blocked", fault.exception.faultString)
        with self.assertRaises(xmlrpc.client.Fault) as fault:
            self._call("res.partner", "create", {"name": "RPC new"}, context={"default_sm_allowed_overdue_days": 9999})
        self.assertIn("Allowed Overdue Days", fault.exception.faultString)
        self.assertTrue(self.theirs.sm_credit_block)
