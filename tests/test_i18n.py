"""Chinese first: every term of our three addons has a zh_CN translation, and Odoo shows it.

The language is activated and our three zh_CN.po files are loaded (overwriting) inside the test
transaction, as `odoo-bin i18n loadlang` / a module update would do; nothing is left behind.
"""

import io
import pathlib
import re
from datetime import date

import openpyxl
import polib

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools.translate import code_translations

ADDONS_DIR = pathlib.Path(__file__).resolve().parent.parent / "addons"
ADDONS = ("sales_mgmt_core", "sales_mgmt_channels", "sales_mgmt_analytics")
LANG = "zh_CN"
# model:<model>,<field>:<xmlid> of a .pot reference (not model_terms: those are parts of a view)
MODEL_REF = re.compile(r"^model:([\w.]+),(\w+):(\w+\.\w+)$")


def _entries(addon):
    """(pot entries, {msgid: msgstr} of zh_CN.po) of an addon."""
    i18n = ADDONS_DIR / addon / "i18n"
    pot = polib.pofile(str(i18n / f"{addon}.pot"))
    po_path = i18n / f"{LANG}.po"
    translated = {}
    if po_path.exists():
        translated = {
            e.msgid: e.msgstr for e in polib.pofile(str(po_path)) if not e.obsolete and "fuzzy" not in e.flags
        }
    return pot, translated


@tagged("post_install", "-at_install")
class TestChineseTranslations(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang(LANG)
        cls.env["ir.module.module"]._load_module_terms(list(ADDONS), [LANG], overwrite=True)
        cls.zh = cls.env(context=dict(cls.env.context, lang=LANG))

    def test_every_msgid_has_a_translation(self):
        missing = []
        for addon in ADDONS:
            pot, translated = _entries(addon)
            self.assertTrue(len(pot), f"{addon}.pot has no msgid")
            missing += [f"{addon}: {e.msgid!r}" for e in pot if not translated.get(e.msgid)]
        self.assertFalse(
            missing,
            f"{len(missing)} msgid(s) without a {LANG} translation (run `bash scripts/i18n.sh export` "
            f"and translate them in addons/<addon>/i18n/{LANG}.po):\n" + "\n".join(missing),
        )

    def test_records_read_in_chinese(self):
        """Every field, selection, menu, action, data record... of a .pot reads as its msgstr."""
        wrong, checked = [], 0
        for addon in ADDONS:
            pot, translated = _entries(addon)
            for entry in pot:
                expected = translated.get(entry.msgid)
                if not expected:
                    continue  # reported by test_every_msgid_has_a_translation
                for occurrence, _line in entry.occurrences:
                    match = MODEL_REF.match(occurrence)
                    if not match:
                        continue
                    model, field, xmlid = match.groups()
                    record = self.zh.ref(xmlid, raise_if_not_found=False)
                    if record is None or record._name != model:
                        continue
                    value = record[field]
                    checked += 1
                    if value != expected:
                        wrong.append(f"{xmlid}.{field}: {value!r} instead of {expected!r}")
        self.assertGreater(
            checked, 500, "the .pot files name too few records: is the reference format still model:...?"
        )
        self.assertFalse(wrong, "terms not shown in Chinese:\n" + "\n".join(wrong))

    def test_key_terms(self):
        zh = self.zh
        # menus of each addon
        self.assertEqual(zh.ref("sales_mgmt_core.sales_complaint_menu").name, "投诉")
        self.assertEqual(zh.ref("sales_mgmt_core.res_partner_segments_menu").name, "客户细分")
        self.assertEqual(zh.ref("sales_mgmt_channels.sales_channel_menu").name, "销售渠道")
        self.assertEqual(zh.ref("sales_mgmt_analytics.sales_analysis_report_menu").name, "销售分析")
        # field labels and selection values through fields_get, as the web client reads them
        partner_fields = zh["res.partner"].fields_get(["customer_tier_id", "rfm_segment", "lifecycle_stage"])
        self.assertEqual(partner_fields["customer_tier_id"]["string"], "客户等级")
        self.assertEqual(dict(partner_fields["rfm_segment"]["selection"])["champions"], "冠军客户")
        self.assertEqual(dict(partner_fields["lifecycle_stage"]["selection"])["lapsed"], "已流失")
        order_fields = zh["sale.order"].fields_get(["approval_state", "channel_id"])
        self.assertEqual(dict(order_fields["approval_state"]["selection"])["pending"], "待审批")
        self.assertEqual(order_fields["channel_id"]["string"], "销售渠道")
        channel_types = dict(zh["sales.channel"].fields_get(["channel_type"])["channel_type"]["selection"])
        self.assertEqual(channel_types["taobao"], "淘宝 / 天猫")
        report_fields = zh["sales.analysis.report"].fields_get(["net_revenue"])
        self.assertEqual(report_fields["net_revenue"]["string"], "净收入")
        # data records: tiers, tags, complaint categories, activity types, dashboards
        self.assertEqual(zh.ref("sales_mgmt_core.customer_tier_gold").name, "金卡")
        self.assertEqual(zh.ref("sales_mgmt_core.partner_tag_frequency_high").name, "频率：高")  # noqa: RUF001
        self.assertEqual(zh.ref("sales_mgmt_core.sales_complaint_category_quality").name, "产品质量")
        self.assertEqual(zh.ref("sales_mgmt_core.mail_activity_type_customer_revisit").name, "客户回访")
        self.assertEqual(zh.ref("sales_mgmt_analytics.spreadsheet_dashboard_sales_mgmt_personal").name, "我的销售")
        # view texts and mail template bodies (terms inside the markup)
        form = zh["sales.complaint"].get_view(zh.ref("sales_mgmt_core.sales_complaint_view_form").id, "form")
        self.assertIn("采取了哪些措施", form["arch"])
        birthday = zh.ref("sales_mgmt_core.mail_template_customer_birthday")
        self.assertIn("祝您生日快乐", birthday.body_html)
        self.assertIn('t-out="object.name or', birthday.body_html)
        # mail template subject keeps its placeholder
        self.assertEqual(
            zh.ref("sales_mgmt_core.mail_template_order_confirmed").subject, "您的订单 {{ object.name }} 已确认"
        )

    def test_customer_emails_follow_the_customer_language(self):
        """The order confirmation goes out in the customer's language, whoever confirms."""
        self.env.company.sm_send_order_notifications = True
        product = self.env["product.product"].create({"name": "Tea", "type": "consu", "taxes_id": []})
        subjects = {}
        for lang in ("zh_CN", "en_US"):
            customer = self.env["res.partner"].create({"name": f"Buyer {lang}", "email": "b@example.com", "lang": lang})
            order = self.env["sale.order"].create(
                {"partner_id": customer.id, "order_line": [Command.create({"product_id": product.id, "price_unit": 5})]}
            )
            order.action_confirm()
            subjects[lang] = [m.subject for m in order.message_ids if m.subject]
        self.assertTrue(any("已确认" in subject for subject in subjects["zh_CN"]), subjects)
        self.assertTrue(any("is confirmed" in subject for subject in subjects["en_US"]), subjects)

    def test_python_messages_in_chinese(self):
        """Messages raised by our code (self.env._) follow the user's language."""
        self.assertEqual(
            code_translations.get_python_translations("sales_mgmt_core", LANG).get("Approved."), "已批准。"
        )
        with self.assertRaisesRegex(ValidationError, "的空闲天数和升级天数不能为负数"):
            self.zh["crm.stage"].create({"name": "Idle", "sm_max_idle_days": -1})
        channel = self.zh["sales.channel"].create({"name": "Feed", "channel_type": "json"})
        self.env.user.group_ids |= self.env.ref("sales_mgmt_channels.group_channel_import")
        with self.assertRaisesRegex(UserError, "import_orders 需要传入订单列表"):
            channel.import_orders({"not": "a list"})
        template = self.env["product.template"].create({"name": "Kettle", "list_price": 10.0})
        with self.assertRaisesRegex(ValidationError, "竞争对手价格不能为负数"):
            self.zh["sales.competitor.price"].create(
                {"product_tmpl_id": template.id, "competitor": "Rival", "price": -1.0}
            )

    def test_xlsx_headers_in_chinese(self):
        content, _counts = self.zh["sales.analytics.export"].build_workbook(date(2026, 1, 1), date(2026, 1, 31))
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        self.assertIn("明细行", workbook.sheetnames)
        lines_header = next(workbook["明细行"].iter_rows(max_row=1, values_only=True))
        self.assertEqual(lines_header[:3], ("订单日期", "订单", "客户"))
        kpi_sheet = next(name for name in workbook.sheetnames if name.startswith("KPI"))
        kpi_header = next(workbook[kpi_sheet].iter_rows(max_row=1, values_only=True))
        self.assertIn("报价单转化率 %", kpi_header)

    def test_hold_reasons_and_approval_activity_in_the_readers_language(self):
        """An en_US salesperson's held order: the zh_CN approver's activity and the reasons read in Chinese
        for a zh_CN reader and in English for an en_US reader."""

        approver = new_test_user(
            self.env, "i18n_approver", groups="sales_mgmt_core.group_credit_approver", lang=LANG, name="审批人"
        )
        seller = new_test_user(self.env, "i18n_seller", groups="sales_mgmt_core.group_sales_mgmt_user", lang="en_US")
        customer = self.env["res.partner"].create({"name": "Held Buyer", "sm_credit_block": True})
        product = self.env["product.product"].create({"name": "Tea", "type": "consu", "taxes_id": []})
        order = (
            self.env["sale.order"]
            .with_user(seller)
            .create(
                {
                    "partner_id": customer.id,
                    "user_id": seller.id,
                    "order_line": [Command.create({"product_id": product.id, "price_unit": 5})],
                }
            )
        )
        order.action_confirm()
        self.assertEqual(order.approval_state, "pending")
        reason = order.hold_reason_ids
        self.assertEqual(reason.with_context(lang="en_US").message, "Held Buyer is blocked for credit reasons.")
        self.assertEqual(reason.with_context(lang=LANG).message, "Held Buyer 因信贷原因被冻结。")
        activity = order.activity_ids.filtered(lambda a: a.user_id == approver)
        self.assertIn("批准或驳回", activity.summary)
