from ast import literal_eval

from lxml import etree

from odoo.tests import Form, new_test_user, tagged

from ..tools import order_import
from ..tools.business_card import card_country_code
from .common import SalesMgmtCommon


@tagged("post_install", "-at_install")
class TestDailyScreens(SalesMgmtCommon):
    """Screens a seller works in every day: phone layouts, headers, empty states, defaults."""

    def _arch(self, model, view_type, user=None, view_ref=None):
        records = self.env[model].with_user(user) if user else self.env[model]
        view_id = self.env.ref(view_ref).id if view_ref else None
        return etree.fromstring(records.get_views([(view_id, view_type)])["views"][view_type]["arch"])

    # ------------------------------------------------------------------ held orders on a phone
    def test_salesperson_lists_their_held_orders(self):
        """Orders to Approve is in a plain salesperson's menu too: their own held orders (record rules)."""
        menu = self.env.ref("sales_mgmt_core.sale_order_waiting_approval_menu")
        visible = self.env["ir.ui.menu"].with_user(self.user_salesman)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        domain = literal_eval(menu.action.domain)
        self.assertEqual(domain, [("approval_state", "=", "pending")])

    def test_approve_is_the_first_header_button(self):
        """On a phone only the first visible header button shows: it is Approve for an approver."""
        arch = self._arch("sale.order", "form", self.user_approver, "sale.view_order_form")
        header = arch.find(".//header")
        first = header.find("button")
        self.assertEqual(first.get("name"), "action_approve")
        self.assertIn("btn-primary", first.get("class"))
        banner = arch.xpath("//div[hasclass('alert-warning')]//button[@name='action_open_reject_wizard']")
        self.assertTrue(banner, "Reject is reachable on a phone from the banner")
        # A plain salesperson has neither button.
        arch = self._arch("sale.order", "form", self.user_salesman, "sale.view_order_form")
        self.assertFalse(arch.xpath("//button[@name='action_approve' or @name='action_open_reject_wizard']"))

    def test_hold_reason_details_keep_the_room(self):
        arch = self._arch("sale.order", "form", self.user_approver, "sale.view_order_form")
        columns = arch.xpath("//field[@name='hold_reason_ids']/list/field[not(@column_invisible)]")
        names = [c.get("name") for c in columns]
        self.assertEqual(names[:2], ["check", "message"], "Details come right after the check")
        self.assertIsNone(columns[1].get("optional"), "Details cannot be hidden")
        shown = [c for c in columns[2:] if c.get("optional") != "hide"]
        self.assertTrue(all(c.get("width") for c in shown), "the figure columns are narrow")

    def test_mobile_cards(self):
        """Orders waiting approval and Safety Stock open as cards on a phone."""
        for xmlid in (
            "sales_mgmt_core.sale_order_action_waiting_approval",
            "sales_mgmt_core.sales_safety_stock_action",
        ):
            action = self.env.ref(xmlid)
            self.assertIn("kanban", action.view_mode.split(","), xmlid)
            self.assertEqual(action.mobile_view_mode, "kanban")
        stock_user = new_test_user(self.env, "sm_stock_screens", groups="stock.group_stock_user")
        arch = self._arch("sales.safety.stock", "kanban", stock_user)
        self.assertTrue(arch.xpath("//t[@t-name='card']//field[@name='product_id']"))
        self.assertTrue(arch.xpath("//button[@name='action_apply_suggestion'][@confirm]"))

    # ------------------------------------------------------------------ headers that fit
    def test_core_lists_have_sized_columns(self):
        safety = self._arch("sales.safety.stock", "list", self.user_manager)
        self.assertEqual(safety.xpath("//field[@name='lead_time_days']/@width"), ["130px"])
        alerts = self._arch("sales.stock.alert", "list", self.user_manager)
        self.assertTrue(alerts.xpath("//field[@name='warehouse_id']/@width"))
        self.assertTrue(alerts.xpath("//field[@name='user_id']/@width"))
        partner = self._arch("res.partner", "form", self.user_salesman, "base.view_partner_form")
        columns = partner.xpath(
            "//field[@name='sm_score_ids']/list/field[not(@column_invisible) and not(@optional='hide')]"
        )
        self.assertLessEqual(len(columns), 8, "the insights fit the notebook without sideways scrolling")
        self.assertTrue(all(c.get("width") for c in columns))

    # ------------------------------------------------------------------ empty states
    def test_segments_empty_state_names_who_bought_from_them(self):
        help_text = self.env.ref("sales_mgmt_core.sales_customer_score_action").help
        self.assertIn("customers without a salesperson who bought from", help_text)

    def test_targets_empty_state_for_who_cannot_create(self):
        # As the web client loads it: /web/action/load reads the action as superuser.
        action = self.env.ref("sales_mgmt_core.sales_target_action")
        seller_help = str(action.with_user(self.user_salesman)._get_action_dict()["help"])
        self.assertIn("No target for you yet", seller_help)
        self.assertNotIn("Set monthly or quarterly targets", seller_help)
        manager_help = str(action.with_user(self.user_manager)._get_action_dict()["help"])
        self.assertIn("Set monthly or quarterly targets", manager_help)

    # ------------------------------------------------------------------ customer templates
    def test_customer_template_menu_lists_only_ours(self):
        menu = self.env.ref("sales_mgmt_core.mail_template_menu")
        action = menu.action
        self.assertEqual(action, self.env.ref("sales_mgmt_core.mail_template_action_customer"))
        templates = self.env["mail.template"].with_user(self.user_manager).search(literal_eval(action.domain))
        self.assertTrue(templates)
        self.assertTrue(all(templates.mapped("sales_mgmt_managed")))
        self.assertNotIn(self.env.ref("auth_signup.set_password_email", raise_if_not_found=False), templates)
        # The menu is for Sales Management managers only.
        self.assertEqual(menu.parent_id.group_ids, self.env.ref("sales_mgmt_core.group_sales_mgmt_manager"))

    # ------------------------------------------------------------------ tiers
    def test_tier_without_credit_limit_says_no_limit(self):
        Tier = self.env["sales.customer.tier"].with_user(self.user_manager)
        with Form(Tier) as form:
            form.name = "Screens tier"
            form.min_revenue = 999999
        tier = form.record
        self.assertEqual(tier.credit_limit_label, "No limit")
        tier.credit_limit = 1500
        self.assertIn("1,500.00", tier.credit_limit_label)
        self.assertIn(tier.currency_id.symbol, tier.credit_limit_label)
        arch = self._arch("sales.customer.tier", "list", self.user_manager)
        self.assertTrue(arch.xpath("//field[@name='credit_limit_label']"))
        self.assertFalse(arch.xpath("//field[@name='credit_limit']"))

    # ------------------------------------------------------------------ business card
    def test_card_country(self):
        us, cn = self.env.ref("base.us"), self.env.ref("base.cn")
        self.company.country_id = us
        Wizard = self.env["crm.lead.card.wizard"].with_user(self.user_salesman)
        with Form(Wizard) as form:
            self.assertEqual(form.country_id, us, "the company's country by default")
            form.card_text = "张伟\n销售经理\n杭州明亮贸易有限公司\n手机\uff1a138 0013 8000"
            self.assertEqual(form.country_id, cn, "a Chinese card is from China")
            self.assertEqual(form.phone, "138 0013 8000")
        with Form(Wizard) as form:
            form.card_text = "Wei Zhang\nBright Trading Ltd\nTel: +86 571 8800 1234"
            self.assertEqual(form.country_id, cn, "+86 is China")
        with Form(Wizard) as form:
            form.card_text = "John Smith\nAcme Inc\nTel: 415 555 0100"
            self.assertEqual(form.country_id, us, "nothing tells: the company's country stays")
        with Form(Wizard) as form:
            form.card_text = "Yuki Tanaka\nTel: 0081 3 1234 5678"
            self.assertEqual(form.country_id, self.env.ref("base.jp"))

    def test_card_country_code_unit(self):
        self.assertEqual(card_country_code("山田 たろう"), "", "kana: not a Chinese card")
        self.assertEqual(card_country_code("x", ("+86 invalid",)), "")
        self.assertEqual(card_country_code("x", ("+44 20 7946 0958",)), "GB")

    # ------------------------------------------------------------------ order import
    def test_import_accepts_chinese_headers(self):
        content = "订单参考号,客户,产品,数量,单价\nTB-1,a@example.com,SKU-1,2,9.9\n".encode()
        header, rows = order_import.read_sheet(content, "orders.csv")
        self.assertEqual(header, ["order_ref", "customer", "product", "quantity", "price_unit"])
        self.assertEqual(len(rows), 1)
        self.assertEqual(order_import._normalise_header(" 订单号 "), "order_ref")
        self.assertEqual(order_import._normalise_header("Order Reference"), "order_ref")

    # ------------------------------------------------------------------ stock alerts
    def test_alert_figures_follow_the_stock(self):
        """Free and forecast quantities are kept current even when the severity does not change."""
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1)
        product = self.env["product.product"].create({"name": "Screens Vase", "is_storable": True, "type": "consu"})
        self.env["sales.safety.stock"].create(
            {"product_id": product.id, "warehouse_id": warehouse.id, "safety_qty": 10}
        )
        Quant, Alert = self.env["stock.quant"], self.env["sales.stock.alert"]
        Quant._update_available_quantity(product, warehouse.lot_stock_id, 2)
        Alert._evaluate(product_ids=product.ids)
        alert = Alert.search([("product_id", "=", product.id), ("state", "!=", "resolved")])
        self.assertEqual((alert.severity, alert.free_qty), ("high", 2.0))
        Quant._update_available_quantity(product, warehouse.lot_stock_id, 2)
        Alert._evaluate(product_ids=product.ids)
        self.assertEqual((alert.severity, alert.free_qty, alert.forecast_qty), ("high", 4.0, 4.0))
        # The lowest-privileged user who sees alerts reads the current figures.
        self.assertEqual(alert.with_user(self.user_salesman).free_qty, 4.0)
