import json
import re

from odoo.tests import TransactionCase, tagged
from odoo.tools import file_open
from odoo.tools.translate import extract_spreadsheet_terms

PERSONAL_FILE = "sales_mgmt_analytics/data/files/sales_mgmt_personal_dashboard.json"


@tagged("post_install", "-at_install")
class TestMySalesOnAPhone(TransactionCase):
    """On a phone Odoo shows a dashboard's figures only (no cells): scorecards two by two, then
    the charts. "My Sales" must read there, also for a salesperson without sales."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        dashboard = cls.env.ref("sales_mgmt_analytics.spreadsheet_dashboard_sales_mgmt_personal")
        cls.data = json.loads(dashboard.spreadsheet_data)
        sheets = {sheet["name"]: sheet for sheet in cls.data["sheets"]}
        cls.figures = sheets["Dashboard"]["figures"]
        cls.cells = sheets["Data"]["cells"]
        cls.cards = {f["data"]["title"]["text"]: f for f in cls.figures if f["data"]["type"] == "scorecard"}

    def _key_formula(self, title):
        """The formula of the Data cell a card shows."""
        sheet, cell = self.cards[title]["data"]["keyValue"].split("!")
        self.assertEqual(sheet, "Data")
        return self.cells[cell]

    def _resolve(self, formula):
        """``formula`` with the Data cells it reads replaced by their own formulas, recursively."""
        for _round in range(5):
            formula = re.sub(r"\b([A-E][1-9])\b", lambda m: f"({self.cells.get(m[1], '')})", formula)
        return formula

    def test_cards_first_and_two_by_two(self):
        """Every card is above the charts (a phone lists figures top to bottom) and they pair up:
        an odd card would leave half a row empty."""
        self.assertGreaterEqual(set(self.cards), {"Revenue", "Orders", "Average Order", "My target", "Top customer"})
        self.assertEqual(len(self.cards) % 2, 0, "cards pair up on a phone")
        lowest_card = max(f["offset"]["y"] for f in self.cards.values())
        charts = [f for f in self.figures if f["data"]["type"] != "scorecard"]
        self.assertTrue(charts)
        self.assertTrue(all(f["offset"]["y"] > lowest_card for f in charts), "charts below the cards")

    def test_key_figures_read_zero_with_their_unit(self):
        """Without sales the pivot gives no value: the cards still show 0, in the revenue's
        currency format for money (FORMAT.LARGE.NUMBER keeps the pivot's format)."""
        revenue = self._resolve(self._key_formula("Revenue"))
        self.assertIn("FORMAT.LARGE.NUMBER", revenue)
        self.assertIn('PIVOT.VALUE(90,"price_subtotal")', revenue)
        self.assertIn('PIVOT.VALUE(90,"order_count")', self._resolve(self._key_formula("Orders")))
        average = self._resolve(self._key_formula("Average Order"))
        # No orders: the revenue times 0, so 0 in the revenue's currency, not a blank or a bare 0.
        self.assertIn('PIVOT.VALUE(90,"price_subtotal")', average)
        self.assertIn("*0", average.replace(" ", ""))

    def test_cards_say_when_there_is_nothing_yet(self):
        """The top customer card says "No sales yet" when the period has no order, the target card
        "No target" without a target, instead of blank cards above blank charts."""
        customer = self._key_formula("Top customer")
        self.assertRegex(customer, r'^=IF\(B3, .*_t\("No sales yet"\)\)$')
        self.assertEqual(self.cells["B3"], '=PIVOT.VALUE(90,"order_count")', "B3 is the period's orders")
        self.assertEqual(self.cards["Top customer"]["data"]["baselineMode"], "text")
        self.assertLessEqual(self.cards["Top customer"]["data"]["keyDescr"]["fontSize"], 20, "fits half a phone")
        target = self._key_formula("My target")
        self.assertIn('_t("No target")', target)
        self.assertEqual(self.cards["My target"]["data"]["baselineMode"], "progress")
        # The top customer is the first of the customers sorted by revenue (pivot 1).
        self.assertIn('PIVOT.HEADER(1, "#partner_id", 1)', self._resolve(customer))
        self.assertEqual(self.data["pivots"]["1"]["sortedColumn"]["measure"], "price_subtotal")
        self.assertEqual(self.data["pivots"]["1"]["sortedColumn"]["order"], "desc")

    def test_new_texts_are_translatable(self):
        """Odoo's term extraction (``odoo-bin i18n export``) finds every text a phone shows."""
        with file_open(PERSONAL_FILE, "rb") as file:
            terms = {term for _line, _func, term, _comments in extract_spreadsheet_terms(file, [], [], {})}
        self.assertGreaterEqual(terms, {"My target", "Top customer", "No sales yet", "No target"})
        self.assertGreaterEqual(terms, set(self.cards))
