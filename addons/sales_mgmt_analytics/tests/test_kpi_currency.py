from datetime import datetime

from odoo import Command
from odoo.tests import tagged

from .common import AnalyticsCommon

JAN_FROM, JAN_TO = "2027-01-01", "2027-01-31"


@tagged("post_install", "-at_install")
class TestKpiCurrency(AnalyticsCommon):
    """KPI revenue and the analysis report are in the current company's currency, converted the
    same way (order currency → order company's currency at the order's rate → current company's
    currency at today's rate), whatever the orders' and companies' currencies.

    January 2027: the USD company (EUR at 2 per USD) sells 100 USD and 100 EUR (EUR pricelist);
    an EUR company (USD at 0.5 per EUR) sells 100 EUR.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.usd_company = cls.company
        cls.eur_company = cls.env["res.company"].create({"name": "Euro Shop", "currency_id": cls.eur.id})
        cls.env.user.company_ids = [Command.link(cls.eur_company.id)]
        cls.env["res.currency.rate"].create(
            {"currency_id": cls.usd.id, "rate": 0.5, "name": "2020-01-01", "company_id": cls.eur_company.id}
        )
        eur_company_pricelist = cls.env["product.pricelist"].create(
            {"name": "Euro Shop", "currency_id": cls.eur.id, "company_id": cls.eur_company.id}
        )
        cls.o_usd = cls._company_order(cls.usd_company, 100)
        cls.o_eur_pricelist = cls._company_order(cls.usd_company, 100, pricelist=cls.eur_pricelist)
        cls.o_eur_company = cls._company_order(cls.eur_company, 100, pricelist=eur_company_pricelist)

    @classmethod
    def _company_order(cls, company, price, pricelist=None):
        env = cls.env(context=dict(cls.env.context, allowed_company_ids=company.ids))
        vals = {
            "company_id": company.id,
            "partner_id": cls.y.id,
            "user_id": cls.sam.id if company == cls.usd_company else False,
            "order_line": [Command.create({"product_id": cls.p1.id, "product_uom_qty": 1, "price_unit": price})],
        }
        if pricelist:
            vals["pricelist_id"] = pricelist.id
        order = env["sale.order"].create(vals)
        order.with_context(sales_mgmt_skip_checks=True).action_confirm()
        order.date_order = datetime(2027, 1, 10, 10, 0)
        return order

    def _as_company(self, current, others=None):
        companies = current | (others or current)
        return self.env(context=dict(self.env.context, allowed_company_ids=companies.ids))

    def _kpi_revenue(self, env):
        rows = env["sales.kpi"].get_kpis(JAN_FROM, JAN_TO, "none")
        self.assertEqual(len(rows), 1)
        return rows[0]

    def _report_revenue(self, env):
        env.flush_all()
        domain = [("date", ">=", JAN_FROM), ("date", "<", "2027-02-01")]
        return env["sales.analysis.report"]._read_group(domain, [], ["price_subtotal:sum"])[0][0]

    def test_order_rates(self):
        self.assertEqual(self.o_usd.currency_rate, 1)
        self.assertEqual(self.o_eur_pricelist.currency_id, self.eur)
        self.assertEqual(self.o_eur_pricelist.currency_rate, 2)
        self.assertEqual(self.o_eur_company.currency_rate, 1)

    def test_single_company_usd(self):
        env = self._as_company(self.usd_company)
        kpi = self._kpi_revenue(env)
        # 100 USD + 100 EUR / 2.
        self.assertAlmostEqual(kpi["revenue"], 150.0, places=2)
        self.assertAlmostEqual(kpi["average_order_value"], 75.0, places=2)
        self.assertAlmostEqual(self._report_revenue(env), 150.0, places=2)

    def test_two_companies_current_usd(self):
        env = self._as_company(self.usd_company, self.eur_company)
        kpi = self._kpi_revenue(env)
        # 100 USD + 50 USD + the EUR company's 100 EUR at 2 EUR per USD = 200 USD, not 300.
        self.assertEqual(kpi["orders"], 3)
        self.assertAlmostEqual(kpi["revenue"], 200.0, places=2)
        self.assertAlmostEqual(kpi["average_order_value"], round(200 / 3, 2), places=2)
        self.assertAlmostEqual(self._report_revenue(env), kpi["revenue"], places=2)

    def test_two_companies_current_eur(self):
        env = self._as_company(self.eur_company, self.usd_company)
        kpi = self._kpi_revenue(env)
        # In EUR: the USD company's 150 USD at 2 EUR per USD (its rate in the EUR company) + 100 EUR.
        self.assertAlmostEqual(kpi["revenue"], 400.0, places=2)
        self.assertAlmostEqual(self._report_revenue(env), kpi["revenue"], places=2)

    def test_other_company_only(self):
        # Figures of the EUR company alone, asked from the USD company: still in USD.
        env = self._as_company(self.usd_company, self.eur_company)
        rows = env["sales.kpi"].get_kpis(JAN_FROM, JAN_TO, "none", company_ids=self.eur_company.ids)
        self.assertAlmostEqual(rows[0]["revenue"], 50.0, places=2)

    def test_groups_add_up_in_current_currency(self):
        env = self._as_company(self.eur_company, self.usd_company)
        total = env["sales.kpi"].get_kpis(JAN_FROM, JAN_TO, "none")[0]["revenue"]
        by_channel = env["sales.kpi"].get_kpis(JAN_FROM, JAN_TO, "channel")
        self.assertAlmostEqual(sum(row["revenue"] for row in by_channel), total, places=2)
