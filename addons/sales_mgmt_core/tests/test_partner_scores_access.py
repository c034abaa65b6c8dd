from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import SalesMgmtOrderCommon

SCORE_FIELDS = [
    "customer_tier_id",
    "rfm_segment",
    "lifecycle_stage",
    "sm_order_count",
    "sm_lifetime_value",
    "sm_revenue_12m",
    "purchase_propensity",
    "predicted_next_order_date",
]


@tagged("post_install", "-at_install")
class TestPartnerScoresAccess(SalesMgmtOrderCommon):
    """Scores are seen only for the customers a user may see: salespeople with "Own Documents
    Only" their own customers and the unassigned ones they sold to; "All Documents" and managers all."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_plain_salesman = new_test_user(cls.env, "sm_plain", groups="sales_team.group_sale_salesman")
        cls.user_all_docs = new_test_user(cls.env, "sm_all_docs", groups="sales_team.group_sale_salesman_all_leads")
        Partner = cls.env["res.partner"]
        cls.mine = Partner.create({"name": "Mona Mine", "user_id": cls.user_salesman.id})
        cls.theirs = Partner.create({"name": "Theo Theirs", "user_id": cls.user_salesman_2.id})
        cls.unassigned = Partner.create({"name": "Una Unassigned"})
        cls.unassigned_theirs = Partner.create({"name": "Ulla Unassigned"})
        cls.fixtures = cls.mine | cls.theirs | cls.unassigned | cls.unassigned_theirs
        cls._order(cls.mine, 100, days_ago=5)
        cls._order(cls.theirs, 7000, days_ago=3)
        cls._order(cls.theirs, 5000, days_ago=40)
        cls._order(cls.unassigned, 300, days_ago=8)
        cls._order(cls.unassigned_theirs, 900, days_ago=8, user=cls.user_salesman_2)
        cls.env["sales.customer.segmentation"]._recompute(cls.company)
        cls.Score = cls.env["sales.customer.score"]
        export = cls.env.ref("base.group_allow_export")
        for user in (cls.user_salesman, cls.user_plain_salesman):
            user.group_ids |= export

    def _scores(self, user, domain=()):
        return self.Score.with_user(user).search([("partner_id", "in", self.fixtures.ids), *domain])

    def test_partner_score_fields_closed_to_own_documents_users(self):
        for user in (self.user_salesman, self.user_plain_salesman):
            theirs = self.theirs.with_user(user)
            Partner = self.env["res.partner"].with_user(user)
            with self.assertRaises(AccessError):
                theirs.read(["sm_lifetime_value"])
            with self.assertRaises(AccessError):
                theirs.mapped("sm_order_count")
            with self.assertRaises(AccessError):
                Partner.search_read([("id", "=", self.theirs.id)], ["name", "customer_tier_id"])
            with self.assertRaises(AccessError):
                Partner.search([("sm_lifetime_value", ">", 10000)])
            with self.assertRaises(AccessError):
                Partner.formatted_read_group([("id", "in", self.fixtures.ids)], ["rfm_segment"], ["__count"])
            with self.assertRaises(AccessError):
                Partner.formatted_read_group([("id", "in", self.fixtures.ids)], [], ["sm_lifetime_value:sum"])
            with self.assertRaises(AccessError):
                theirs.export_data(["name", "sm_lifetime_value"])
            # the rest of the partner stays readable
            self.assertEqual(theirs.read(["name"])[0]["name"], "Theo Theirs")

    def test_own_documents_users_read_own_and_unassigned_scores(self):
        for user in (self.user_salesman, self.user_plain_salesman):
            scores = self._scores(user)
            # own customers, and unassigned customers they sold to (not those others sold to)
            expected = (self.mine | self.unassigned) if user == self.user_salesman else self.mine.browse()
            self.assertEqual(scores.partner_id, expected)
            self.assertFalse(self._scores(user, [("sm_lifetime_value", ">", 10000)]))
            groups = self.Score.with_user(user).formatted_read_group(
                [("partner_id", "in", self.fixtures.ids)], [], ["sm_lifetime_value:sum", "__count"]
            )
            self.assertAlmostEqual(groups[0]["sm_lifetime_value:sum"], sum(scores.mapped("sm_lifetime_value")))
            rows = scores.export_data(["partner_id", "sm_lifetime_value"])["datas"]
            self.assertNotIn("Theo Theirs", [row[0] for row in rows])
        mine = self._scores(self.user_salesman, [("partner_id", "=", self.mine.id)])
        self.assertAlmostEqual(mine.sm_lifetime_value, 100)
        self.assertEqual(mine.sm_order_count, 1)
        self.assertEqual(mine.company_id, self.company)
        self.assertEqual(mine.customer_tier_id, self.mine.customer_tier_id)
        self.assertEqual(mine.rfm_segment, self.mine.rfm_segment)

    def test_all_documents_and_managers_see_every_customer(self):
        for user in (self.user_all_docs, self.user_approver, self.user_manager):
            self.assertAlmostEqual(self.theirs.with_user(user).sm_lifetime_value, 12000)
            found = self.env["res.partner"].with_user(user).search([("sm_lifetime_value", ">", 10000)])
            self.assertIn(self.theirs, found)
            self.assertEqual(self._scores(user).partner_id, self.fixtures)

    def test_partner_form_shows_own_scores_only(self):
        self.assertAlmostEqual(self.mine.with_user(self.user_salesman).sm_score_ids.sm_lifetime_value, 100)
        self.assertFalse(self.theirs.with_user(self.user_salesman).sm_score_ids)
        self.assertAlmostEqual(self.theirs.with_user(self.user_all_docs).sm_score_ids.sm_lifetime_value, 12000)
        views = self.env["res.partner"].with_user(self.user_salesman).get_views([(False, "form")])
        self.assertIn("sm_score_ids", views["views"]["form"]["arch"])
        self.assertNotIn("sm_lifetime_value", views["models"]["res.partner"]["fields"])
        self.assertNotIn("customer_tier_id", views["models"]["res.partner"]["fields"])

    def test_customer_segments_menu_lists_own_customers(self):
        action = self.env.ref("sales_mgmt_core.res_partner_segments_menu").action
        self.assertEqual(action.res_model, "sales.customer.score")
        scores = self.Score.with_user(self.user_salesman).search([("sm_order_count", ">", 0)])
        self.assertIn(self.mine, scores.partner_id)
        self.assertNotIn(self.theirs, scores.partner_id)
        self.assertLessEqual(scores.user_id, self.user_salesman)

    def test_tier_customer_count_follows_visibility(self):
        tier = self.theirs.customer_tier_id
        self.assertGreater(tier.partner_count, tier.with_user(self.user_salesman).partner_count)
        action = tier.with_user(self.user_salesman).action_view_partners()
        self.assertEqual(action["res_model"], "sales.customer.score")

    def test_internal_user_sees_no_scores(self):
        with self.assertRaises(AccessError):
            self.Score.with_user(self.user_internal).search([])
        with self.assertRaises(AccessError):
            self.mine.with_user(self.user_internal).read(["rfm_segment"])

    def test_multi_company_rows(self):
        """Each company sees its own figures, ids stay the partners' (they fit XML-RPC)."""
        company_b = self.env["res.company"].create({"name": "Branch B"})
        self.user_all_docs.company_ids |= company_b
        self._order(self.theirs, 50, days_ago=2, company=company_b, user=self.user_salesman_2)
        self.env["sales.customer.segmentation"]._recompute(company_b)
        Score = self.Score.with_user(self.user_all_docs)
        in_b = Score.with_context(allowed_company_ids=[company_b.id, self.company.id])
        in_main = Score.with_context(allowed_company_ids=[self.company.id, company_b.id])
        row_b = in_b.search([("partner_id", "in", self.fixtures.ids)])
        row_main = in_main.search([("partner_id", "=", self.theirs.id)])
        self.assertEqual(row_b.ids, self.theirs.ids)
        self.assertEqual(row_main.ids, self.theirs.ids)
        self.assertEqual((row_b.company_id, row_b.sm_lifetime_value), (company_b, 50))
        self.assertEqual((row_main.company_id, row_main.sm_lifetime_value), (self.company, 12000))
        # the same record read in both companies in one transaction: no stale cache
        self.assertEqual(in_b.browse(self.theirs.id).sm_order_count, 1)
        self.assertEqual(in_main.browse(self.theirs.id).sm_order_count, 2)


@tagged("post_install", "-at_install")
class TestComputedFiguresReadOnly(SalesMgmtOrderCommon):
    """Lifetime value, orders, RFM, lifecycle, prediction are written by the recompute only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Cal Computed", "user_id": cls.user_salesman.id})
        cls._order(cls.customer, 250, days_ago=4)
        cls.env["sales.customer.segmentation"]._recompute(cls.company)

    def test_figures_refused_to_every_user(self):
        values = {
            "sm_lifetime_value": 1e9,
            "sm_order_count": 99,
            "rfm_segment": "champions",
            "rfm_recency_score": 5,
            "lifecycle_stage": "active",
            "purchase_propensity": 100,
            "predicted_next_order_date": "2000-01-01",
            "customer_tier_date": "2000-01-01",
        }
        for user in (self.user_approver, self.user_manager):
            for name, value in values.items():
                with self.subTest(user=user.login, field=name), self.assertRaisesRegex(AccessError, "computed"):
                    self.customer.with_user(user).write({name: value})
        with self.assertRaisesRegex(AccessError, "computed"):
            self.env["res.partner"].with_user(self.user_manager).create({"name": "Fake", "sm_lifetime_value": 5})
        self.assertAlmostEqual(self.customer.sm_lifetime_value, 250)

    def test_same_value_and_recompute_accepted(self):
        # an export re-imported unchanged is no change
        self.customer.with_user(self.user_manager).write({"sm_order_count": 1, "name": "Cal C."})
        self._order(self.customer, 750, days_ago=1)
        self.env["sales.customer.segmentation"]._recompute(self.company)
        self.assertAlmostEqual(self.customer.sm_lifetime_value, 1000)
        self.assertEqual(self.customer.sm_order_count, 2)

    def test_fields_read_only_in_views(self):
        fields = (
            self.env["res.partner"]
            .with_user(self.user_manager)
            .fields_get(
                ["sm_lifetime_value", "sm_order_count", "rfm_segment", "lifecycle_stage", "purchase_propensity"],
                ["readonly"],
            )
        )
        self.assertTrue(all(f["readonly"] for f in fields.values()), fields)
        score = self.env["sales.customer.score"].search([("partner_id", "=", self.customer.id)])
        self.assertTrue(score.fields_get(["sm_lifetime_value"], ["readonly"])["sm_lifetime_value"]["readonly"])
        with self.assertRaises(AccessError):
            score.with_user(self.user_manager).write({"sm_lifetime_value": 1})
