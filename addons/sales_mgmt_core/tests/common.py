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
