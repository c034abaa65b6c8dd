from datetime import datetime

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

FIXTURE_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "no_reset_password": True,
}
NOV_FROM, NOV_TO = "2026-11-01", "2026-11-30"


class AnalyticsCommon(TransactionCase):
    """A small fixed data set whose KPIs are computed by hand in the tests.

    November 2026, company currency USD, EUR at 2 EUR per USD; Sam sells:
      o1  X (new)       channel A  2 x P1 @ 100 + 1 x P2 @ 50 = 250   created 10 Nov, confirmed 12 Nov
      o2  Y (returning) channel A  1 x P1 @ 100                 = 100   created 10 Nov, confirmed 15 Nov
      o3  Y             channel B  4 x P2 @ 50 EUR = 200 EUR    = 100   created 10 Nov, confirmed 20 Nov
    plus Y's order in October, a cancelled order and an open quotation (created in November),
    Sue's order in channel B (300), a complaint on o1, one won (10 days) and one lost lead.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **FIXTURE_CONTEXT))
        cls.env.user.tz = "UTC"
        cls.company = cls.env.company
        cls.usd = cls.company.currency_id
        cls.sam = new_test_user(cls.env, "an_sam", groups="sales_mgmt_core.group_sales_mgmt_user", name="Sam", tz="UTC")
        cls.sue = new_test_user(cls.env, "an_sue", groups="sales_mgmt_core.group_sales_mgmt_user", name="Sue", tz="UTC")
        cls.manager = new_test_user(
            cls.env, "an_manager", groups="sales_mgmt_core.group_sales_mgmt_manager", name="Mo", tz="UTC"
        )
        for user in (cls.sam, cls.sue, cls.manager):
            user.email = f"{user.login}@example.com"
        Channel = cls.env["sales.channel"]
        cls.channel_a = Channel.create({"name": "Web shop", "channel_type": "website"})
        cls.channel_b = Channel.create({"name": "Marketplace", "channel_type": "json"})
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.env["res.currency.rate"].search([("currency_id", "in", (cls.eur | cls.usd).ids)]).unlink()
        cls.env["res.currency.rate"].create({"currency_id": cls.eur.id, "rate": 2.0, "name": "2020-01-01"})
        cls.eur_pricelist = cls.env["product.pricelist"].create({"name": "EUR", "currency_id": cls.eur.id})
        cat = cls.env["product.category"].create({"name": "Analytics goods"})
        Product = cls.env["product.product"]
        cls.p1 = Product.create(
            {"name": "P1", "type": "consu", "standard_price": 40, "categ_id": cat.id, "taxes_id": [Command.clear()]}
        )
        cls.p2 = Product.create(
            {"name": "P2", "type": "consu", "standard_price": 10, "categ_id": cat.id, "taxes_id": [Command.clear()]}
        )
        Partner = cls.env["res.partner"]
        cls.x = Partner.create({"name": "Customer X", "city": "Lyon", "user_id": cls.sam.id})
        cls.y = Partner.create({"name": "Customer Y", "city": "Ghent"})
        cls.o_before = cls._order(cls.y, [(cls.p1, 1, 100)], "2026-10-15 10:00", "2026-10-14 10:00", cls.channel_a)
        cls.o1 = cls._order(cls.x, [(cls.p1, 2, 100), (cls.p2, 1, 50)], "2026-11-12 00:00", channel=cls.channel_a)
        cls.o2 = cls._order(cls.y, [(cls.p1, 1, 100)], "2026-11-15 00:00", channel=cls.channel_a)
        cls.o3 = cls._order(
            cls.y, [(cls.p2, 4, 50)], "2026-11-20 00:00", channel=cls.channel_b, pricelist=cls.eur_pricelist
        )
        cls.cancelled = cls._order(cls.x, [(cls.p1, 1, 999)], "2026-11-16 00:00", channel=cls.channel_a)
        cls.cancelled._action_cancel()
        cls.quotation = cls._order(cls.x, [(cls.p2, 1, 50)], None, channel=cls.channel_b)
        cls.o_sue = cls._order(cls.x, [(cls.p1, 3, 100)], "2026-11-18 00:00", channel=cls.channel_b, user=cls.sue)
        cls.env["sales.complaint"].create({"partner_id": cls.x.id, "order_id": cls.o1.id, "name": "Late"})
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE sales_complaint SET create_date = '2026-11-21 10:00' WHERE order_id = %s", [cls.o1.id]
        )
        Lead = cls.env["crm.lead"]
        won = Lead.create({"name": "Won", "user_id": cls.sam.id, "type": "opportunity"})
        won.action_set_won()
        lost = Lead.create({"name": "Lost", "user_id": cls.sam.id, "type": "opportunity"})
        lost.action_set_lost()
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE crm_lead SET create_date = '2026-11-01 08:00', date_closed = '2026-11-11 08:00' WHERE id = %s",
            [won.id],
        )
        cls.env.cr.execute("UPDATE crm_lead SET date_closed = '2026-11-05 08:00' WHERE id = %s", [lost.id])
        cls.env["sales.target"].create({"user_id": cls.sam.id, "date_from": NOV_FROM, "target_revenue": 900})
        cls.env.invalidate_all()

    @classmethod
    def _order(cls, partner, lines, confirmed, created="2026-11-10 00:00", channel=None, pricelist=None, user=None):
        vals = {
            "partner_id": partner.id,
            "user_id": (user or cls.sam).id,
            "channel_id": channel.id if channel else False,
            "order_line": [
                Command.create({"product_id": p.id, "product_uom_qty": q, "price_unit": price}) for p, q, price in lines
            ],
        }
        if pricelist:
            vals["pricelist_id"] = pricelist.id
        order = cls.env["sale.order"].create(vals)
        if confirmed:
            order.with_context(sales_mgmt_skip_checks=True).action_confirm()
            order.date_order = datetime.fromisoformat(confirmed)
        cls.env.flush_all()
        cls.env.cr.execute("UPDATE sale_order SET create_date = %s WHERE id = %s", [created, order.id])
        return order
