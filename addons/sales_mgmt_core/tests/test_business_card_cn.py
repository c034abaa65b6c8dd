"""Business cards with Chinese labels (tools/business_card.py), and what the lead wizard keeps.

Properties (Hypothesis): ``parse_card`` never raises on any text, and no value it returns starts
with a label ("姓名" and a colon, "手机", "Tel:" …). Unit cases: the cards of the second trial.
Runs under Odoo's test runner (BaseCase) and under pytest; the wizard case needs the database.
"""

import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase, Form, tagged

from ..tools import business_card as bc
from .common import SalesMgmtCommon

SETTINGS = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
VALUE_KEYS = ("contact_name", "partner_name", "function", "phone", "mobile", "email_from", "website")
# The labels a card may carry (not the parser's own list: the test holds it to this one).
LABELS = [
    "姓名",
    "名字",
    "职位",
    "职务",
    "公司",
    "单位",
    "地址",
    "手机",
    "移动电话",
    "电话",
    "座机",
    "传真",
    "邮箱",
    "电子邮件",
    "网址",
    "Name",
    "Title",
    "Position",
    "Company",
    "Address",
    "Mobile",
    "Tel",
    "Phone",
    "Fax",
    "E-mail",
    "Email",
    "Web",
    "Website",
]
LABEL_RE = re.compile(
    r"^\s*(?:%s)\s*[:\uff1a]" % "|".join(re.escape(label) for label in sorted(LABELS, key=len, reverse=True)),
    re.IGNORECASE,
)
COLONS = ("\uff1a", ":", " \uff1a", ": ", " ")
VALUES = st.one_of(
    st.sampled_from(
        [
            "王建国",
            "销售总监",
            "杭州明茶科技有限公司",
            "138 0013 8000",
            "0571-8888 6666",
            "wang@mingcha.cn",
            "www.mingcha.cn",
            "浙江省杭州市西湖区文三路100号",
            "Jane Doe",
            "+44 20 7946 0958",
            "Acme Ltd",
        ]
    ),
    st.text(max_size=30),
)
CARD_LINE = st.one_of(
    st.builds(
        lambda label, colon, value: f"{label}{colon}{value}", st.sampled_from(LABELS), st.sampled_from(COLONS), VALUES
    ),
    VALUES,
)
CARD_TEXT = st.one_of(st.lists(CARD_LINE, max_size=8).map("\n".join), st.text(max_size=200))
CARD_1 = "王建国  销售总监\n手机\uff1a138 0013 8000\n电话\uff1a0571-8888 6666\n地址\uff1a浙江省杭州市西湖区文三路100号"
CARD_2 = "姓名\uff1a王建国\n职位\uff1a销售总监\n公司:杭州明茶科技有限公司\n手机 13800138000\n邮箱\uff1awang@mingcha.cn"


def _starts_with_label(value):
    """ "姓名" and a colon before "王建国" is a label kept in a value; "王建国" or "Name" alone are not."""
    label = LABEL_RE.match(value)
    return bool(label and value[label.end() :].strip())


@tagged("post_install", "-at_install")
class TestBusinessCardProperties(BaseCase):
    @SETTINGS
    @given(CARD_TEXT)
    @example(CARD_1)
    @example(CARD_2)
    @example("姓名\uff1a姓名\uff1a王建国\n职务\uff1a\n手机\uff1a")
    def test_never_raises_never_keeps_a_label(self, text):
        parsed = bc.parse_card(text)
        self.assertEqual(set(parsed), {*VALUE_KEYS, "country_code"})
        for key in VALUE_KEYS:
            self.assertIsInstance(parsed[key], str)
            if key in ("contact_name", "partner_name", "function"):
                self.assertFalse(_starts_with_label(parsed[key]), f"{key}: {parsed[key]!r} of {text!r}")

    @SETTINGS
    @given(st.sampled_from(["姓名", "职位", "职务", "公司", "单位"]), st.sampled_from(["\uff1a", ":", " \uff1a "]))
    def test_labelled_values_lose_their_label(self, label, colon):
        parsed = bc.parse_card(f"{label}{colon}杭州明茶")
        values = [parsed[k] for k in ("contact_name", "function", "partner_name")]
        self.assertIn("杭州明茶", values)
        self.assertFalse(any(label in v for v in values))


@tagged("post_install", "-at_install")
class TestChineseCards(BaseCase):
    def test_unlabelled_name_and_title_mobile_and_address(self):
        parsed = bc.parse_card(CARD_1)
        self.assertEqual(parsed["contact_name"], "王建国", "never the address")
        self.assertEqual(parsed["function"], "销售总监")
        self.assertEqual(parsed["mobile"], "138 0013 8000")
        self.assertEqual(parsed["phone"], "0571-8888 6666")
        self.assertEqual(parsed["country_code"], "CN")

    def test_labels_stripped_with_any_colon(self):
        parsed = bc.parse_card(CARD_2)
        self.assertEqual(parsed["contact_name"], "王建国")
        self.assertEqual(parsed["function"], "销售总监")
        self.assertEqual(parsed["partner_name"], "杭州明茶科技有限公司")
        self.assertEqual(parsed["mobile"], "13800138000")
        self.assertEqual(parsed["email_from"], "wang@mingcha.cn")
        parsed = bc.parse_card(
            "职务:采购经理\n单位\uff1a明茶集团\n移动电话\uff1a139-0000-1111\n电子邮件\uff1ali@mingcha.cn"
        )
        self.assertEqual(
            (parsed["function"], parsed["partner_name"], parsed["mobile"], parsed["email_from"]),
            ("采购经理", "明茶集团", "139-0000-1111", "li@mingcha.cn"),
        )

    def test_unlabelled_mobile_is_the_mobile(self):
        parsed = bc.parse_card("李娜\n0571 8888 6666\n+86 138 0013 8000")
        self.assertEqual(parsed["mobile"], "+86 138 0013 8000")
        self.assertEqual(parsed["phone"], "0571 8888 6666")

    def test_address_alone_is_no_name(self):
        parsed = bc.parse_card("浙江省杭州市西湖区文三路100号\n电话0571-88886666")
        self.assertEqual(parsed["contact_name"], "")
        self.assertEqual(parsed["phone"], "0571-88886666")

    def test_fax_is_not_a_phone(self):
        parsed = bc.parse_card("王建国\n传真\uff1a0571-8888 7777\n电话\uff1a0571-8888 6666")
        self.assertEqual(parsed["phone"], "0571-8888 6666")
        self.assertEqual(parsed["mobile"], "")


@tagged("post_install", "-at_install")
class TestCardWizardMobile(SalesMgmtCommon):
    def test_wizard_keeps_the_mobile_as_the_phone(self):
        with Form(self.env["crm.lead.card.wizard"].with_user(self.user_salesman)) as form:
            form.card_text = CARD_1
            self.assertEqual(form.contact_name, "王建国")
            self.assertEqual(form.function, "销售总监")
            self.assertEqual(form.phone, "138 0013 8000", "a lead has one phone: the mobile reaches the person")
            self.assertEqual(form.country_id, self.env.ref("base.cn"))
