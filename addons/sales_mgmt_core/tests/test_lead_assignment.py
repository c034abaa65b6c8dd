from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import SalesMgmtCommon


@tagged("post_install", "-at_install")
class TestLeadAssignment(SalesMgmtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.us = cls.env.ref("base.us")
        cls.east = cls.env["res.country.state"].search([("country_id", "=", cls.us.id), ("code", "=", "NY")])
        cls.west = cls.env["res.country.state"].search([("country_id", "=", cls.us.id), ("code", "=", "CA")])
        cls.leader = new_test_user(cls.env, "sm_leader", groups="sales_team.group_sale_salesman_all_leads", name="Lea")
        cls.user_3 = new_test_user(cls.env, "sm_salesman3", groups="sales_mgmt_core.group_sales_mgmt_user", name="Tom")
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Workload Team",
                "user_id": cls.leader.id,
                "use_leads": True,
                "use_opportunities": True,
                "sm_workload_assignment": True,
                "sm_load_weight_count": 1.0,
                "sm_load_weight_revenue": 0.1,
                "sm_load_weight_overdue": 2.0,
            }
        )
        Member = cls.env["crm.team.member"]
        cls.m_sam = Member.create({"crm_team_id": cls.team.id, "user_id": cls.user_salesman.id})
        cls.m_sue = Member.create(
            {"crm_team_id": cls.team.id, "user_id": cls.user_salesman_2.id, "sm_state_ids": [Command.set(cls.east.ids)]}
        )
        cls.m_tom = Member.create({"crm_team_id": cls.team.id, "user_id": cls.user_3.id})

    def _lead(self, **vals):
        return self.env["crm.lead"].create(
            dict({"name": "Lead", "team_id": self.team.id, "user_id": False, "type": "opportunity"}, **vals)
        )

    def _open(self, user, count, revenue=0.0):
        self.env["crm.lead"].with_context(sales_mgmt_no_auto_assign=True).create(
            [
                {"name": f"Open {i}", "user_id": user.id, "team_id": self.team.id, "expected_revenue": revenue}
                for i in range(count)
            ]
        )

    def _notes(self, lead):
        return lead.message_ids.filtered(lambda m: "Assigned to" in (m.body or "")).mapped("body")

    def test_assign_on_create_lowest_load_with_explanation(self):
        self._open(self.user_salesman, 10, revenue=2500.0)  # 10 + 25,000 x 0.1 / 1,000 = 12.5
        self._open(self.user_salesman_2, 13)
        self._open(self.user_3, 12)
        self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": self.user_3.partner_id.id,
                "user_id": self.user_3.id,
                "date_deadline": fields.Date.today() - timedelta(days=2),
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
            }
        )  # Tom: 12 + 2 x 1 overdue = 14
        lead = self._lead()
        self.assertEqual(lead.user_id, self.user_salesman)
        self.assertIn("Assigned to Sam Salesman: lowest load 12.5.", self._notes(lead)[0])

    def test_region_match_is_explained_and_restricted(self):
        self._open(self.user_salesman, 1)
        self._open(self.user_3, 1)
        lead = self._lead(country_id=self.us.id, state_id=self.east.id)
        self.assertEqual(lead.user_id, self.user_salesman_2)
        self.assertIn(f"matches region {self.east.display_name}", self._notes(lead)[0])
        west = self._lead(country_id=self.us.id, state_id=self.west.id)
        self.assertNotEqual(west.user_id, self.user_salesman_2, "Sue only takes the East")

    def test_tie_goes_to_first_member_then_spreads(self):
        self.m_sue.sm_state_ids = False
        leads = (
            self.env["crm.lead"]
            .with_context(sales_mgmt_no_auto_assign=True)
            .create([{"name": f"L{i}", "team_id": self.team.id, "user_id": False} for i in range(6)])
        )
        self.team._sm_assign_leads(leads)
        counts = {u: len(leads.filtered(lambda lead, u=u: lead.user_id == u)) for u in leads.user_id}
        self.assertEqual(sorted(counts.values()), [2, 2, 2])
        self.assertEqual(leads[0].user_id, self.m_sam.user_id, "equal loads: the first member")

    def test_everyone_at_capacity_leaves_unassigned_and_tells_leader(self):
        (self.m_sam | self.m_sue | self.m_tom).write({"sm_max_open_leads": 1})
        self._open(self.user_salesman, 1)
        self._open(self.user_salesman_2, 1)
        self._open(self.user_3, 1)
        lead = self._lead()
        self.assertFalse(lead.user_id)
        alert = self.team.message_ids.filtered(lambda m: "could not be assigned" in (m.body or ""))
        self.assertEqual(len(alert), 1)
        self.assertIn(self.leader.partner_id, alert.partner_ids)
        self.assertIn("1 because every matching member is at capacity", alert.body)
        self._lead()
        self.assertEqual(
            len(self.team.message_ids.filtered(lambda m: "could not be assigned" in (m.body or ""))),
            1,
            "the leader is told once a day",
        )
        # Capacity freed: the cron assigns what is waiting.
        self.m_tom.sm_max_open_leads = 5
        self.assertEqual(self.env["crm.team"]._cron_sm_assign_leads()["assigned"], 2)
        self.assertEqual(lead.user_id, self.user_3)

    def test_members_leaving_archived_away_or_opted_out_get_nothing(self):
        self.m_sam.action_archive()  # left the team
        self.user_salesman_2.action_archive()
        self.m_tom.sm_unavailable_from = fields.Date.today() - timedelta(days=1)
        lead = self._lead()
        self.assertFalse(lead.user_id)
        self.m_tom.write({"sm_unavailable_from": False, "assignment_optout": True})
        self.assertFalse(self._lead().user_id)
        self.m_tom.assignment_optout = False
        self.assertEqual(self._lead().user_id, self.user_3)

    def test_multi_company_members_must_be_allowed(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        self.user_3.write({"company_ids": [Command.link(other.id)]})
        self.team.company_id = False
        lead = self._lead(company_id=other.id)
        self.assertEqual(lead.user_id, self.user_3, "only Tom works for the other company")

    def test_leads_with_salesperson_are_left_alone(self):
        lead = self._lead(user_id=self.user_salesman_2.id)
        self.assertEqual(lead.user_id, self.user_salesman_2)
        self.assertFalse(self._notes(lead))

    def test_negative_settings_rejected(self):
        with self.assertRaises(ValidationError):
            self.m_sam.sm_max_open_leads = -1
        with self.assertRaises(ValidationError):
            self.team.sm_load_weight_overdue = -2
        with self.assertRaises(ValidationError):
            self.m_sam.write(
                {"sm_unavailable_from": fields.Date.today(), "sm_unavailable_to": fields.Date.today() - timedelta(1)}
            )

    def test_team_form_and_salesman_create(self):
        with Form(self.team) as form:
            form.sm_load_weight_count = 2.0
        self.assertEqual(self.team.sm_load_weight_count, 2.0)
        # The lowest privileged user creating a lead for the pool gets it assigned (assignment runs as sudo).
        lead = (
            self.env["crm.lead"]
            .with_user(self.user_salesman)
            .create({"name": "From the salesman", "team_id": self.team.id, "user_id": False})
        )
        self.assertTrue(lead.user_id)
