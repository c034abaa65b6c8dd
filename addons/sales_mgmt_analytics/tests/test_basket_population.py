from datetime import date

from odoo.tests import Form, tagged

from .common import AnalyticsCommon

FEB_FROM, FEB_TO = date(2027, 2, 1), date(2027, 2, 28)


@tagged("post_install", "-at_install")
class TestBasketPopulation(AnalyticsCommon):
    """A category filter chooses which pairs are shown, not which orders support and lift are
    shares of: those stay all the period's orders unless the user asks for the category's.

    February 2027, 5 orders: {A1, A2}, {A1, B}, {B}, {B}, {A2}; A1 and A2 in category A, B in B.
    A1 → A2: together 1, A1 in 2 orders, A2 in 2.
    All orders: support 1/5, confidence 1/2, lift 1 x 5 / (2 x 2) = 1.25.
    Category A's 3 orders only: support 1/3, confidence 1/2, lift 1 x 3 / (2 x 2) = 0.75.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["product.category"]
        cls.categ_a = Category.create({"name": "Basket A"})
        cls.categ_b = Category.create({"name": "Basket B"})
        Product = cls.env["product.product"]
        cls.a1 = Product.create({"name": "A1", "type": "consu", "categ_id": cls.categ_a.id})
        cls.a2 = Product.create({"name": "A2", "type": "consu", "categ_id": cls.categ_a.id})
        cls.b = Product.create({"name": "B", "type": "consu", "categ_id": cls.categ_b.id})
        for products in ((cls.a1, cls.a2), (cls.a1, cls.b), (cls.b,), (cls.b,), (cls.a2,)):
            cls._order(cls.y, [(p, 1, 10) for p in products], "2027-02-10 10:00")

    def _pair(self, product, related):
        pair = self.env["sales.basket.pair"].search(
            [("product_id", "=", product.id), ("related_product_id", "=", related.id)]
        )
        self.assertEqual(len(pair), 1)
        return pair

    def _metrics(self, pair):
        return (pair.together, round(pair.support, 4), round(pair.confidence, 4), round(pair.lift, 4))

    def test_category_filter_keeps_support_and_lift(self):
        Pair = self.env["sales.basket.pair"]
        result = Pair._recompute(FEB_FROM, FEB_TO, 0.0)
        self.assertEqual(result["baskets"], 5)
        unfiltered = self._metrics(self._pair(self.a1, self.a2))
        self.assertEqual(unfiltered, (1, 0.2, 0.5, 1.25))
        self.assertEqual(self._pair(self.a1, self.a2).basket_count, 5)

        result = Pair._recompute(FEB_FROM, FEB_TO, 0.0, categ=self.categ_a)
        self.assertEqual(result["baskets"], 5, "the population is still every order of the period")
        pair = self._pair(self.a1, self.a2)
        self.assertEqual(self._metrics(pair), unfiltered)
        self.assertEqual(self._metrics(self._pair(self.a2, self.a1)), (1, 0.2, 0.5, 1.25))
        self.assertEqual(pair.basket_count, 5)
        self.assertFalse(pair.categ_population)
        self.assertFalse(
            Pair.search([("product_id", "=", self.b.id)]) | Pair.search([("related_product_id", "=", self.b.id)]),
            "the filter still chooses the pairs shown: both products in the category",
        )

    def test_explicit_category_population(self):
        Pair = self.env["sales.basket.pair"]
        result = Pair._recompute(FEB_FROM, FEB_TO, 0.0, categ=self.categ_a, categ_population=True)
        self.assertEqual(result["baskets"], 3, "orders holding a product of category A")
        pair = self._pair(self.a1, self.a2)
        self.assertEqual(self._metrics(pair), (1, 0.3333, 0.5, 0.75))
        self.assertEqual(pair.basket_count, 3)
        self.assertTrue(pair.categ_population)

    def test_min_support_counts_on_the_population(self):
        Pair = self.env["sales.basket.pair"]
        # 1 order of 5 = 0.2 < 0.25: no pair; of category A's 3 orders = 0.33: the pair is kept.
        Pair._recompute(FEB_FROM, FEB_TO, 0.25, categ=self.categ_a)
        self.assertFalse(Pair.search([("product_id", "in", (self.a1 | self.a2).ids)]))
        Pair._recompute(FEB_FROM, FEB_TO, 0.25, categ=self.categ_a, categ_population=True)
        self.assertEqual(len(Pair.search([("product_id", "in", (self.a1 | self.a2).ids)])), 2)

    def test_wizard_option_off_by_default(self):
        form = Form(self.env["sales.basket.wizard"].with_user(self.manager))
        form.date_from = FEB_FROM
        form.date_to = FEB_TO
        form.min_support = 0.0
        form.categ_id = self.categ_a
        self.assertFalse(form.categ_population)
        wizard = form.save()
        wizard.action_compute()
        self.assertEqual(self._metrics(self._pair(self.a1, self.a2)), (1, 0.2, 0.5, 1.25))
        wizard.categ_population = True
        wizard.action_compute()
        self.assertEqual(self._metrics(self._pair(self.a1, self.a2)), (1, 0.3333, 0.5, 0.75))

    def test_definitions_are_shown(self):
        Pair = self.env["sales.basket.pair"]
        for name in ("support", "confidence", "lift"):
            self.assertTrue(Pair._fields[name].help, name)
        self.assertIn("all", Pair._fields["support"].help.lower())
        arch = self.env.ref("sales_mgmt_analytics.sales_basket_wizard_view_form").arch
        self.assertIn("Lift", arch)
