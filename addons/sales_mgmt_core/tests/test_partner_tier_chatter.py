from odoo.tests import HttpCase, get_db_name, new_test_user, tagged
from odoo.tools import html2plaintext, is_html_empty

PASSWORD = "sm_tier_chatter_pw1"


@tagged("post_install", "-at_install")
class TestPartnerTierChatter(HttpCase):
    """A tier changed by hand, read in the customer's chatter the way the web client reads it
    (``/mail/thread/messages``): the tier is a field of ``sales_team.group_sale_salesman_all_leads``,
    so its tracking value is hidden from the customer's own salespeople; the message must still
    say something to them rather than read as a deleted message."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, "sm_tier_chat_mgr", password=PASSWORD, groups="sales_mgmt_core.group_sales_mgmt_manager"
        )
        # the lowest privileges that open a customer: Sales / User: Own Documents Only
        cls.seller = new_test_user(
            cls.env, "sm_tier_chat_own", password=PASSWORD, groups="sales_team.group_sale_salesman"
        )
        cls.sm_seller = new_test_user(
            cls.env, "sm_tier_chat_sm", password=PASSWORD, groups="sales_mgmt_core.group_sales_mgmt_user"
        )
        cls.gold = cls.env.ref("sales_mgmt_core.customer_tier_gold")
        cls.customer = cls.env["res.partner"].create({"name": "Tier Chatter Customer", "user_id": cls.seller.id})

    def _rpc(self, login, model, method, *args):
        uid = self.xmlrpc_common.authenticate(get_db_name(), login, PASSWORD, {})
        return self.xmlrpc_object.execute_kw(get_db_name(), uid, PASSWORD, model, method, list(args))

    def _chatter(self, login):
        """The customer's messages as the chatter receives them: {message id: store data}."""
        self.authenticate(login, PASSWORD)
        result = self.make_jsonrpc_request(
            "/mail/thread/messages", {"thread_model": "res.partner", "thread_id": self.customer.id}
        )
        store = result["data"]
        subtypes = {subtype["id"]: subtype for subtype in store.get("mail.message.subtype", [])}
        return {
            message["id"]: dict(message, subtype=subtypes.get(message.get("subtype_id")) or {})
            for message in store["mail.message"]
            if message["id"] in result["messages"]
        }

    @staticmethod
    def _body(message):
        body = message.get("body") or ""
        return body[1] if isinstance(body, list) else body  # ["markup", html]

    def _is_empty(self, message):
        """The web client's Message.computeIsEmpty (mail/static/src/core/common/message_model.js):
        such a message reads "This message has been deleted"."""
        return (
            is_html_empty(self._body(message))
            and not message.get("attachment_ids")
            and not message.get("trackingValues")
            and not message["subtype"].get("description")
        )

    def _change_tier(self):
        before = set(self.customer.message_ids.ids)
        self._rpc("sm_tier_chat_mgr", "res.partner", "write", [self.customer.id], {"customer_tier_id": self.gold.id})
        self.env.invalidate_all()
        new = self.customer.message_ids.filtered(lambda m: m.id not in before)
        self.assertEqual(len(new), 1, "the tier change is logged once in the customer's chatter")
        return new.id

    def test_tier_change_not_empty_for_salespeople(self):
        message_id = self._change_tier()
        for login in ("sm_tier_chat_own", "sm_tier_chat_sm"):
            with self.subTest(login=login):
                message = self._chatter(login)[message_id]
                self.assertFalse(self._is_empty(message), "the tier change reads as a deleted message")
                self.assertFalse(message.get("trackingValues"), "the tier itself stays hidden")
                self.assertEqual(html2plaintext(self._body(message)), "Customer tier changed.")

    def test_tier_change_values_for_who_may_see_the_tier(self):
        message_id = self._change_tier()
        message = self._chatter("sm_tier_chat_mgr")[message_id]
        self.assertFalse(self._is_empty(message))
        self.assertEqual(
            [(value["fieldInfo"]["changedField"], value["newValue"]) for value in message["trackingValues"]],
            [("Customer Tier", "Gold")],
        )

    def test_tier_change_in_chinese(self):
        """Changed in the web client by a zh_CN manager: the line is Chinese (with the merged zh_CN.po)."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["sales_mgmt_core"], ["zh_CN"], overwrite=True)
        (self.manager | self.seller).lang = "zh_CN"
        self.authenticate("sm_tier_chat_mgr", PASSWORD)
        self.make_jsonrpc_request(
            "/web/dataset/call_kw/res.partner/write",
            {
                "model": "res.partner",
                "method": "write",
                "args": [[self.customer.id], {"customer_tier_id": self.gold.id}],
                "kwargs": {"context": {"lang": "zh_CN"}},
            },
        )
        self.env.invalidate_all()
        message = self._chatter("sm_tier_chat_own")[self.customer.message_ids[:1].id]
        self.assertFalse(message.get("trackingValues"))
        self.assertEqual(html2plaintext(self._body(message)), "客户等级已更改。")

    def test_other_changes_keep_odoo_log(self):
        """Only tier changes get the line: a credit block change keeps Odoo's plain tracking."""
        before = set(self.customer.message_ids.ids)
        self._rpc("sm_tier_chat_mgr", "res.partner", "write", [self.customer.id], {"sm_credit_block": True})
        self.env.invalidate_all()
        new = self.customer.message_ids.filtered(lambda m: m.id not in before)
        self.assertEqual(len(new), 1)
        self.assertTrue(is_html_empty(new.body))
        message = self._chatter("sm_tier_chat_own")[new.id]
        self.assertEqual(
            [value["fieldInfo"]["changedField"] for value in message["trackingValues"]], ["Credit Blocked"]
        )
