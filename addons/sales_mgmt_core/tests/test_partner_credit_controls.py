from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import SalesMgmtCommon


@tagged("post_install", "-at_install")
class TestPartnerCreditControls(SalesMgmtCommon):
    """Only Credit Approvers and Sales Management managers change a customer's credit controls
    (tier, credit block, allowed overdue days, Odoo's credit limit), whatever the path."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_all_docs = new_test_user(
            cls.env, "sm_all_docs", groups="sales_team.group_sale_salesman_all_leads", name="Alf All-docs"
        )
        cls.user_billing = new_test_user(
            cls.env, "sm_billing", groups="sales_team.group_sale_salesman,account.group_account_invoice"
        )
        cls.user_approver_billing = new_test_user(
            cls.env, "sm_approver_billing", groups="sales_mgmt_core.group_credit_approver,account.group_account_invoice"
        )
        cls.gold = cls.env.ref("sales_mgmt_core.customer_tier_gold")
        cls.customer = cls.env["res.partner"].create(
            {"name": "Bea Blocked", "user_id": cls.user_salesman.id, "sm_credit_block": True}
        )

    def test_credit_block_cleared_by_approver_only(self):
        for user in (self.user_salesman, self.user_all_docs):
            with self.assertRaisesRegex(AccessError, "Credit Blocked"):
                self.customer.with_user(user).write({"sm_credit_block": False})
        self.assertTrue(self.customer.sm_credit_block)
        self.customer.with_user(self.user_approver).write({"sm_credit_block": False})
        self.assertFalse(self.customer.sm_credit_block)
        self.customer.with_user(self.user_manager).sm_credit_block = True
        self.assertTrue(self.customer.sm_credit_block)

    def test_reparenting_cannot_lift_a_block(self):
        """Moving a blocked customer under an unblocked company (or a contact out of a blocked
        company) changes whose credit its orders use: approvers and managers only."""
        firm = self.env["res.partner"].create({"name": "Free Firm", "is_company": True})
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user_salesman).write({"is_company": False, "parent_id": firm.id})
        contact = self.env["res.partner"].create({"name": "Bea's buyer", "parent_id": self.customer.id})
        with self.assertRaises(AccessError):
            contact.with_user(self.user_salesman).write({"parent_id": False})
        self.assertEqual(contact.commercial_partner_id, self.customer)
        # moving contacts between companies without credit controls stays a salesperson's job
        other = self.env["res.partner"].create({"name": "Other Firm", "is_company": True})
        loose = self.env["res.partner"].create({"name": "Loose Contact", "parent_id": firm.id})
        loose.with_user(self.user_salesman).write({"parent_id": other.id})
        self.assertEqual(loose.commercial_partner_id, other)
        contact.with_user(self.user_approver).write({"parent_id": False})
        self.assertEqual(contact.commercial_partner_id, contact)

    def test_allowed_overdue_days_by_approver_only(self):
        with self.assertRaisesRegex(AccessError, "Allowed Overdue Days"):
            self.customer.with_user(self.user_salesman).write({"sm_allowed_overdue_days": 9999})
        self.assertEqual(self.customer.sm_allowed_overdue_days, 0)
        self.customer.with_user(self.user_approver).write({"sm_allowed_overdue_days": 30})
        self.assertEqual(self.customer.sm_allowed_overdue_days, 30)

    def test_unchanged_values_and_other_fields_pass(self):
        # A form or an import sending the current values is no change.
        self.customer.with_user(self.user_salesman).write(
            {"name": "Bea B.", "sm_credit_block": True, "sm_allowed_overdue_days": 0}
        )
        self.assertEqual(self.customer.name, "Bea B.")

    def test_tier_moved_by_approver_only(self):
        with self.assertRaisesRegex(AccessError, "Customer Tier"):
            self.customer.with_user(self.user_all_docs).write({"customer_tier_id": self.gold.id})
        with self.assertRaises(AccessError):  # cannot even read the field
            self.customer.with_user(self.user_salesman).write({"customer_tier_id": self.gold.id})
        self.assertFalse(self.customer.customer_tier_id)
        self.customer.with_user(self.user_approver).write({"customer_tier_id": self.gold.id})
        self.assertEqual(self.customer.customer_tier_id, self.gold)
        self.assertTrue(self.customer.customer_tier_date)

    def test_odoo_credit_limit_by_approver_only(self):
        partner = self.customer.with_company(self.company)
        with self.assertRaisesRegex(AccessError, "Credit Limit"):
            partner.with_user(self.user_billing).write({"credit_limit": 1_000_000})
        with self.assertRaisesRegex(AccessError, "Partner Limit"):
            partner.with_user(self.user_billing).write({"use_partner_credit_limit": True})
        partner.with_user(self.user_approver_billing).write({"use_partner_credit_limit": True, "credit_limit": 500})
        self.assertEqual(partner.credit_limit, 500)
        with self.assertRaisesRegex(AccessError, "Partner Limit"):
            partner.with_user(self.user_billing).write({"use_partner_credit_limit": False})
        self.assertEqual(partner.credit_limit, 500)

    def test_create_with_credit_controls(self):
        Partner = self.env["res.partner"].with_user(self.user_salesman)
        with self.assertRaisesRegex(AccessError, "Credit Blocked"):
            Partner.create({"name": "Evil", "sm_credit_block": True})
        with self.assertRaisesRegex(AccessError, "Allowed Overdue Days"):
            Partner.create({"name": "Evil", "sm_allowed_overdue_days": 9999})
        # a context default is a value too: it cannot be smuggled in over RPC
        with self.assertRaisesRegex(AccessError, "Allowed Overdue Days"):
            Partner.with_context(default_sm_allowed_overdue_days=9999).create({"name": "Evil"})
        with self.assertRaisesRegex(AccessError, "Customer Tier"):
            self.env["res.partner"].with_user(self.user_all_docs).create(
                {"name": "Evil", "customer_tier_id": self.gold.id}
            )
        # default values, as the form sends them, are fine
        fine = Partner.create({"name": "Fine", "sm_credit_block": False, "sm_allowed_overdue_days": 0})
        self.assertFalse(fine.sm_credit_block)
        approved = (
            self.env["res.partner"]
            .with_user(self.user_approver)
            .create({"name": "Trusted", "sm_allowed_overdue_days": 45, "customer_tier_id": self.gold.id})
        )
        self.assertEqual(approved.sm_allowed_overdue_days, 45)

    def test_import_refused(self):
        result = (
            self.env["res.partner"]
            .with_user(self.user_salesman)
            .load(["name", "sm_allowed_overdue_days"], [["Imported", "9999"]])
        )
        self.assertFalse(result["ids"])
        self.assertIn("Allowed Overdue Days", " ".join(m["message"] for m in result["messages"]))
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Imported")]))

    def test_duplicate_by_salesperson(self):
        copy = self.customer.with_user(self.user_salesman).copy()
        self.assertFalse(copy.sm_credit_block)  # like Odoo's credit limit: not copied

    def test_sudo_paths_keep_assigning_tiers(self):
        # e.g. the channel import's default tier, run as sudo by an integration user
        self.customer.with_user(self.user_salesman).sudo().write({"customer_tier_id": self.gold.id})
        self.assertEqual(self.customer.customer_tier_id, self.gold)
        created = (
            self.env["res.partner"]
            .with_user(self.user_salesman)
            .sudo()
            .create({"name": "Channel buyer", "customer_tier_id": self.gold.id})
        )
        self.assertEqual(created.customer_tier_id, self.gold)

    def test_form_fields_readonly_without_rights(self):
        with Form(self.customer.with_user(self.user_salesman)) as form:
            self.assertFalse(form.sm_can_edit_credit)
            for name in ("sm_credit_block", "sm_allowed_overdue_days"):
                with self.assertRaises(AssertionError):  # read-only in the view
                    setattr(form, name, False)
        with Form(self.customer.with_user(self.user_approver)) as form:
            form.sm_credit_block = False
            form.sm_allowed_overdue_days = 10
            form.customer_tier_id = self.gold
        self.assertEqual(self.customer.sm_allowed_overdue_days, 10)
        self.assertEqual(self.customer.customer_tier_id, self.gold)

    def test_partner_merge_keeps_working(self):
        """Odoo's merge copies the merged contacts' credit controls and scores onto the
        survivor: values of the same customer, not the user's."""
        merger = new_test_user(
            self.env, "sm_merger", groups="base.group_partner_manager,sales_team.group_sale_salesman_all_leads"
        )
        Partner = self.env["res.partner"]
        survivor = Partner.create({"name": "Dan Dup", "email": "dan@example.com"})
        duplicate = Partner.create({"name": "Dan Dup (shop)", "email": "dan@example.com", "sm_credit_block": True})
        duplicate.write({"sm_order_count": 3, "sm_lifetime_value": 420.0})  # as the recompute would
        wizard = self.env["base.partner.merge.automatic.wizard"].with_user(merger)
        wizard._update_values(duplicate.with_user(merger), survivor.with_user(merger))
        self.assertTrue(survivor.sm_credit_block)
        self.assertEqual(survivor.sm_order_count, 3)
        # outside the merge, the same user is still refused
        with self.assertRaisesRegex(AccessError, "Credit Blocked"):
            survivor.with_user(merger).write({"sm_credit_block": False})
        wizard = wizard.with_context(active_model="res.partner", active_ids=(survivor | duplicate).ids).create({})
        wizard.action_merge()
        self.assertEqual(len((survivor | duplicate).exists()), 1)
