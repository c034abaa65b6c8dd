import base64
import json

from odoo.tests import tagged

from .common import NOV_FROM, NOV_TO, AnalyticsCommon


@tagged("post_install", "-at_install")
class TestSalespersonAccess(AnalyticsCommon):
    """What the lowest-privileged user (Sales Management: User, own documents) reaches and sees."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tier = cls.env["sales.customer.tier"].search([], limit=1) or cls.env["sales.customer.tier"].create(
            {"name": "Gold"}
        )
        # Sue's customer Z buys from Sam; X is Sam's customer. Both are scored.
        cls.z = cls.env["res.partner"].create({"name": "Customer Z", "user_id": cls.sue.id})
        cls.o_z = cls._order(cls.z, [(cls.p1, 1, 100)], "2026-11-22 00:00", channel=cls.channel_a)
        cls.o_direct = cls._order(cls.y, [(cls.p2, 1, 50)], "2026-11-23 00:00")
        cls.o_mo = cls._order(cls.y, [(cls.p2, 2, 50)], "2026-11-24 00:00", channel=cls.channel_a, user=cls.manager)
        cls.env.flush_all()
        company = str(cls.company.id)
        cls.env.cr.execute(
            "UPDATE res_partner SET customer_tier_id = jsonb_build_object(%s, %s), "
            "rfm_segment = jsonb_build_object(%s, 'champions') WHERE id IN %s",
            [company, cls.tier.id, company, (cls.x.id, cls.z.id)],
        )
        cls.env.invalidate_all()

    def _visible_menus(self, user):
        return self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    def test_salesperson_has_sales_reporting_menus(self):
        menus = self._visible_menus(self.sam)
        for xmlid in (
            "sale.menu_sale_report",
            "sales_mgmt_analytics.sales_mgmt_analytics_menu",
            "sales_mgmt_analytics.sales_analysis_report_menu",
            "sales_mgmt_analytics.sales_kpi_wizard_menu",
            "sales_mgmt_analytics.sales_basket_pair_menu",
        ):
            self.assertIn(self.env.ref(xmlid).id, menus, xmlid)
        for xmlid in (
            "sales_mgmt_analytics.sales_basket_wizard_menu",
            "sales_mgmt_analytics.sales_report_subscription_menu",
            "sales_mgmt_analytics.sales_rfm_snapshot_menu",
        ):
            self.assertNotIn(self.env.ref(xmlid).id, menus, xmlid)
        # Every action behind a visible menu opens for the salesperson.
        for xmlid in ("sales_analysis_report_action", "sales_kpi_wizard_action", "sales_basket_pair_action"):
            action = self.env.ref(f"sales_mgmt_analytics.{xmlid}")
            self.env[action.res_model].with_user(self.sam).search_count([])

    def test_analysis_shows_scores_of_own_customers_only(self):
        Report = self.env["sales.analysis.report"]
        rows = Report.with_user(self.sam).search([("order_id", "in", (self.o1 | self.o_z).ids)])
        self.assertEqual(rows.order_id, self.o1 | self.o_z, "Sam's own orders, whoever the customer's salesperson")
        mine = rows.filtered(lambda r: r.order_id == self.o1)
        self.assertEqual((mine.customer_tier_id, set(mine.mapped("rfm_segment"))), (self.tier, {"champions"}))
        sues = rows.filtered(lambda r: r.order_id == self.o_z)
        self.assertFalse(sues.customer_tier_id, "Sue's customer's tier is not shown to Sam")
        self.assertFalse(sues.rfm_segment)
        groups = Report.with_user(self.sam)._read_group(
            [("order_id", "=", self.o_z.id)], ["customer_tier_id", "rfm_segment"], ["__count"]
        )
        self.assertEqual(groups, [(self.tier.browse(), False, 1)], "nor by grouping")
        manager_row = Report.with_user(self.manager).search([("order_id", "=", self.o_z.id)])
        self.assertEqual((manager_row.customer_tier_id, manager_row.rfm_segment), (self.tier, "champions"))

    def test_my_sales_is_the_current_users_even_for_a_manager(self):
        Report = self.env["sales.analysis.report"].with_user(self.manager)
        self.assertGreater(len(Report.search([]).user_id), 1, "a manager sees everyone's orders")
        self.assertEqual(Report.search([("sm_is_mine", "=", True)]).order_id, self.o_mo)
        self.assertNotIn(self.o_mo, Report.search([("sm_is_mine", "=", False)]).order_id)
        Target = self.env["sales.target"]
        mo_target = Target.create({"user_id": self.manager.id, "date_from": NOV_FROM, "target_revenue": 100})
        self.assertEqual(Target.with_user(self.manager).search([("sm_is_mine", "=", True)]), mo_target)
        self.assertEqual(Target.with_user(self.sam).search([("sm_is_mine", "=", True)]).user_id, self.sam)

    def test_personal_dashboard_is_personal(self):
        """Every figure of "My Sales" is filtered on sm_is_mine (record rules alone show a manager all)."""
        dashboard = self.env.ref("sales_mgmt_analytics.spreadsheet_dashboard_sales_mgmt_personal")
        data = json.loads(base64.b64decode(dashboard.spreadsheet_binary_data))
        for pivot in data["pivots"].values():
            self.assertIn(["sm_is_mine", "=", True], pivot["domain"], pivot["name"])
        charts = [f for f in data["sheets"][0]["figures"] if f["data"]["type"].startswith("odoo_")]
        self.assertTrue(charts)
        for figure in charts:
            self.assertIn(["sm_is_mine", "=", True], figure["data"]["searchParams"]["domain"])
        for sheet in (data, self._dashboard("manager")):
            self.assertEqual(sheet["globalFilters"][0]["type"], "date", "a period filter first")
            cards = [f for f in sheet["sheets"][0]["figures"] if f["data"]["type"] == "scorecard"]
            titles = {card["data"]["title"]["text"] for card in cards}
            self.assertLessEqual({"Revenue", "Orders", "Average Order", "Margin"}, titles, "KPI cards")
            pies = [f for f in sheet["sheets"][0]["figures"] if f["data"]["type"] == "odoo_pie"]
            self.assertTrue(all(f["data"]["legendPosition"] != "none" for f in pies), "every slice named")
            self.assertFalse(any(f["data"].get("stacked") for f in sheet["sheets"][0]["figures"]))

    def _dashboard(self, name):
        dashboard = self.env.ref(f"sales_mgmt_analytics.spreadsheet_dashboard_sales_mgmt_{name}")
        return json.loads(base64.b64decode(dashboard.spreadsheet_binary_data))

    def test_slices_have_names(self):
        rows = (
            self.env["sales.analysis.report"]
            .with_user(self.sam)
            ._read_group([("date", ">=", NOV_FROM), ("date", "<=", NOV_TO)], ["channel_name"], ["price_subtotal:sum"])
        )
        self.assertEqual({name for name, _revenue in rows}, {"Web shop", "Marketplace", "Direct"})
        loose = self.env["product.product"].create({"name": "Loose", "type": "consu", "categ_id": False})
        order = self._order(self.y, [(loose, 1, 10)], "2026-11-25 00:00")
        rows = self.env["sales.analysis.report"]._read_group([("order_id", "=", order.id)], ["categ_name"], ["__count"])
        self.assertEqual(rows, [("No category", 1)])
        kpis = self.env["sales.kpi"].with_user(self.sam).get_kpis(NOV_FROM, NOV_TO, "channel")
        self.assertIn("Direct / no channel", {row["name"] for row in kpis})

    def test_readable_record_names(self):
        wizard = self.env["sales.kpi.wizard"].with_user(self.sam).create({"date_from": NOV_FROM, "date_to": NOV_TO})
        records = [
            wizard,
            wizard.line_ids[:1],
            self.env["sales.analysis.report"].with_user(self.sam).search([], limit=1),
            self.env["sales.trend.wizard"].with_user(self.sam).create({}),
            self.env["sales.basket.wizard"].with_user(self.manager).create({}),
            self.env["sales.competitor.price"].create(
                {"product_tmpl_id": self.p1.product_tmpl_id.id, "competitor": "Rival", "price": 90}
            ),
        ]
        for record in records:
            self.assertTrue(record.display_name)
            self.assertNotIn("NewId", record.display_name)
            self.assertNotRegex(record.display_name, r"^[a-z_.]+,\s*\d+$", record._name)
        self.assertIn("Sales KPIs", wizard.display_name)
        self.assertEqual(records[2].display_name.split(" · ")[0], records[2].order_id.name)
        self.assertEqual(records[5].display_name, "Rival · P1")
