"""Activities our crons and our users schedule for someone else are written in the assignee's
language: the text, the names in it (product, unit, tier, stage) and the numbers; a stock alert's
activity follows the alert's figures."""

from datetime import datetime, timedelta

from odoo.tests import new_test_user, tagged

from .common import SalesMgmtOrderCommon

MONDAY = datetime(2026, 3, 2, 9, 0)


@tagged("post_install", "-at_install")
class TestAssigneeLanguage(SalesMgmtOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["sales_mgmt_core"], ["zh_CN"], overwrite=True)
        # the cron writes as en_US; the assignees read Chinese
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))
        cls.buyer_zh = new_test_user(
            cls.env, "sm_buyer_zh", groups="stock.group_stock_user,base.group_user", name="Li Na", lang="zh_CN"
        )
        cls.buyer_en = new_test_user(
            cls.env, "sm_buyer_en", groups="stock.group_stock_user,base.group_user", name="Ed Buyer", lang="en_US"
        )
        cls.user_salesman_2.lang = "zh_CN"
        Product = cls.env["product.product"]
        cls.chair = Product.create(
            {"name": "Office Chair Black", "is_storable": True, "type": "consu", "responsible_id": cls.buyer_zh.id}
        )
        cls.chair.product_tmpl_id.update_field_translations("name", {"zh_CN": "黑色办公椅子"})
        cls.desk = Product.create(
            {"name": "Standing Desk", "is_storable": True, "type": "consu", "responsible_id": cls.buyer_en.id}
        )
        cls.desk.product_tmpl_id.update_field_translations("name", {"zh_CN": "升降桌"})
        cls.wh = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        Safety = cls.env["sales.safety.stock"]
        for product in cls.chair | cls.desk:
            Safety.create({"product_id": product.id, "warehouse_id": cls.wh.id, "safety_qty": 30})
            cls._stock(product, 10)
        cls.Alert = cls.env["sales.stock.alert"]

    @classmethod
    def _stock(cls, product, qty):
        cls.env["stock.quant"]._update_available_quantity(product, cls.wh.lot_stock_id, qty)

    def _alert_activity(self, product):
        alert = self.Alert.search([("product_id", "=", product.id), ("state", "!=", "resolved")])
        self.assertEqual(len(alert), 1)
        return alert, alert.activity_ids

    # ------------------------------------------------------------------ stock alerts
    def test_stock_alert_activity_in_the_responsibles_language(self):
        self.Alert._evaluate()
        _alert, activity = self._alert_activity(self.chair)
        self.assertEqual(activity.user_id, self.buyer_zh)
        self.assertIn("黑色办公椅子", activity.summary, "the product's Chinese name")
        self.assertNotIn("Office Chair", activity.summary)
        self.assertIn("低于安全库存", activity.summary)
        self.assertIn("10.00 ", activity.summary, "quantities as the language writes them, with the unit")
        self.assertIn("黑色办公椅子", activity.res_name, "the document name of the e-mail too")
        # the other responsible reads English, in the same run
        _alert, activity = self._alert_activity(self.desk)
        self.assertEqual(
            activity.summary,
            f"Standing Desk below safety stock in {self.wh.name}: 10.00 Units free, 30.00 Units needed",
        )

    def test_stock_alert_activity_follows_the_figures(self):
        self.Alert._evaluate()
        alert, activity = self._alert_activity(self.desk)
        self.assertIn("10.00 Units free", activity.summary)
        self._stock(self.desk, 5)
        self.Alert._evaluate()
        self.assertEqual(alert.free_qty, 15)
        self.assertIn("15.00 Units free", activity.summary, "no out-of-date figures on the activity")
        self.assertEqual(alert.activity_ids, activity, "updated, not a second activity")
        _alert, chair_activity = self._alert_activity(self.chair)
        self._stock(self.chair, 14)
        self.Alert._evaluate()
        self.assertIn("24.00 ", chair_activity.summary)
        self.assertIn("黑色办公椅子", chair_activity.summary, "still in the responsible's language")

    # ------------------------------------------------------------------ customer revisits
    def test_revisit_activity_in_the_salespersons_language(self):
        regular = self.env.ref("sales_mgmt_core.customer_tier_regular")
        regular.revisit_interval_days = 5
        partners = self.env["res.partner"].create(
            [
                {"name": "Chengdu Panda Gifts", "user_id": self.user_salesman_2.id},
                {"name": "Seattle Home Goods", "user_id": self.user_salesman.id},
            ]
        )
        for partner in partners:
            self._order(partner, 100, days_ago=300)
        self.env["sales.customer.segmentation"]._recompute(self.company)
        partners.sudo().customer_tier_id = regular  # as the segment recompute or a manager sets it
        created = self.env["res.partner"]._sm_schedule_revisits()
        zh = created.filtered(lambda a: a.res_id == partners[0].id)
        en = created.filtered(lambda a: a.res_id == partners[1].id)
        self.assertEqual(zh.summary, f"回访{regular.with_context(lang='zh_CN').name}客户\uff1a已 300 天未下单")
        self.assertNotEqual(regular.with_context(lang="zh_CN").name, "Regular", "the tier ships a Chinese name")
        self.assertEqual(en.summary, "Revisit Regular customer: no order for 300 days")

    # ------------------------------------------------------------------ lead follow-up
    def test_followup_reminder_in_the_salespersons_language(self):
        stage = self.env["crm.stage"].create({"name": "Idle Stage", "sequence": 500, "sm_max_idle_days": 2})
        stage.update_field_translations("name", {"zh_CN": "闲置阶段"})
        lead = self.env["crm.lead"].create(
            {"name": "Idle lead", "user_id": self.user_salesman_2.id, "stage_id": stage.id}
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = %s, date_last_stage_update = %s, date_open = %s WHERE id = %s",
            [MONDAY, MONDAY, MONDAY, lead.id],
        )
        lead.invalidate_recordset()
        self.env["crm.lead"]._cron_followup_discipline(now=MONDAY + timedelta(days=2))
        reminder = lead.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("sales_mgmt_core.mail_activity_type_followup_reminder")
        )
        self.assertEqual(reminder.user_id, self.user_salesman_2)
        self.assertIn("闲置阶段", str(reminder.note), "the stage's Chinese name")
        self.assertNotIn("Idle Stage", str(reminder.note))
