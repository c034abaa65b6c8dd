from datetime import timedelta

from odoo import Command, fields
from odoo.tests import TransactionCase, new_test_user

# Context used by every fixture: no chatter tracking, no mail sent while building data.
FIXTURE_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "no_reset_password": True,
}


class SalesMgmtCommon(TransactionCase):
    """Users for every security level, built once per test class."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **FIXTURE_CONTEXT))
        cls.company = cls.env.company
        cls.user_internal = new_test_user(cls.env, "sm_internal", groups="base.group_user")
        cls.user_salesman = new_test_user(
            cls.env, "sm_salesman", groups="sales_mgmt_core.group_sales_mgmt_user", name="Sam Salesman"
        )
        cls.user_salesman_2 = new_test_user(
            cls.env, "sm_salesman2", groups="sales_mgmt_core.group_sales_mgmt_user", name="Sue Salesman"
        )
        cls.user_manager = new_test_user(
            cls.env, "sm_manager", groups="sales_mgmt_core.group_sales_mgmt_manager", name="Mia Manager"
        )
        cls.user_approver = new_test_user(
            cls.env, "sm_approver", groups="sales_mgmt_core.group_credit_approver", name="Abe Approver"
        )


class SalesMgmtOrderCommon(SalesMgmtCommon):
    """Adds a product and a helper creating confirmed orders at a given date."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create(
            {"name": "Gift Box", "type": "consu", "list_price": 100.0, "taxes_id": [Command.clear()]}
        )
        cls.today = fields.Date.context_today(cls.env["res.partner"])

    def _euro_at(self, rate):
        """Activate EUR with a single rate (EUR per company currency unit) and return it."""
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].search([("currency_id", "=", eur.id)]).unlink()
        self.env["res.currency.rate"].create(
            {"currency_id": eur.id, "rate": rate, "name": "2000-01-01", "company_id": self.company.id}
        )
        return eur

    @classmethod
    def _order(cls, partner, amount, days_ago=0, confirm=True, company=None, pricelist=None, user=None):
        env = cls.env(context=dict(cls.env.context, allowed_company_ids=[(company or cls.company).id]))
        vals = {
            "partner_id": partner.id,
            "company_id": (company or cls.company).id,
            "user_id": (user or cls.user_salesman).id,
            "order_line": [Command.create({"product_id": cls.product.id, "product_uom_qty": 1, "price_unit": amount})],
        }
        if pricelist:
            vals["pricelist_id"] = pricelist.id
        order = env["sale.order"].create(vals)
        if confirm:
            order.action_confirm()
        order.date_order = fields.Datetime.now() - timedelta(days=days_ago)
        return order

    def _quotation(self, partner, amount, product=None, qty=1, user=None, **vals):
        """A quotation of ``qty`` x ``product`` (default: the gift box) at ``amount``, created by
        its salesperson ``user`` (default: Sam)."""
        user = user or self.user_salesman
        return (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "order_line": [
                        Command.create(
                            {"product_id": (product or self.product).id, "product_uom_qty": qty, "price_unit": amount}
                        )
                    ],
                    **vals,
                }
            )
        )
