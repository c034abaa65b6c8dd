from datetime import datetime, timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import SalesMgmtCommon

# A Monday, 10:00 UTC.
MONDAY = datetime(2026, 11, 16, 10, 0)


@tagged("post_install", "-at_install")
class TestFollowupDiscipline(SalesMgmtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leader = new_test_user(cls.env, "sm_fu_leader", groups="sales_team.group_sale_salesman_all_leads")
        cls.team = cls.env["crm.team"].create({"name": "Follow-up Team", "user_id": cls.leader.id})
        cls.env["crm.team.member"].create(
            [
                {"crm_team_id": cls.team.id, "user_id": cls.user_salesman.id},
                {"crm_team_id": cls.team.id, "user_id": cls.user_salesman_2.id},
            ]
        )
        cls.stage = cls.env["crm.stage"].create(
            {"name": "Qualified (idle)", "sequence": 500, "sm_max_idle_days": 2, "sm_escalate_days": 2}
        )
        cls.user_salesman.tz = "Europe/Brussels"
        cls.reminder = cls.env.ref("sales_mgmt_core.mail_activity_type_followup_reminder")
        cls.escalation = cls.env.ref("sales_mgmt_core.mail_activity_type_followup_escalation")

    def _lead(self, touched=MONDAY, **vals):
        lead = self.env["crm.lead"].create(
            dict(
                {"name": "Idle lead", "user_id": self.user_salesman.id, "team_id": self.team.id},
                stage_id=self.stage.id,
                **vals,
            )
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = %s, date_last_stage_update = %s, date_open = %s WHERE id = %s",
            [touched, touched, touched, lead.id],
        )
        lead.invalidate_recordset()
        return lead

    def _activities(self, lead, activity_type):
        return self.env["mail.activity"].search(
            [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id), ("activity_type_id", "=", activity_type.id)]
        )

    def _run(self, now):
        return self.env["crm.lead"]._cron_followup_discipline(now=now)

    def test_reminder_then_escalation_never_duplicated(self):
        lead = self._lead()
        self._run(MONDAY + timedelta(days=1))  # Tuesday: 1 business day
        self.assertFalse(self._activities(lead, self.reminder))
        self._run(MONDAY + timedelta(days=2))  # Wednesday: 2
        reminder = self._activities(lead, self.reminder)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.user_id, self.user_salesman)
        self.assertEqual(lead.sm_followup_state, "reminded")
        self._run(MONDAY + timedelta(days=2, hours=3))
        self.assertEqual(len(self._activities(lead, self.reminder)), 1, "no second reminder")
        # Friday: 4 business days = 2 idle + 2 after the reminder → the leader is told.
        self._run(MONDAY + timedelta(days=4))
        escalation = self._activities(lead, self.escalation)
        self.assertEqual(escalation.user_id, self.leader)
        self.assertEqual(lead.sm_followup_state, "escalated")
        self.assertEqual(lead.user_id, self.user_salesman, "no pool rule on this stage")
        self._run(MONDAY + timedelta(days=8))
        self.assertEqual(len(self._activities(lead, self.escalation)), 1)

    def test_weekend_does_not_count(self):
        friday = MONDAY + timedelta(days=4)
        lead = self._lead(touched=friday)
        self._run(friday + timedelta(days=3))  # Monday: 1 business day
        self.assertFalse(self._activities(lead, self.reminder))
        self._run(friday + timedelta(days=4))  # Tuesday: 2
        self.assertTrue(self._activities(lead, self.reminder))

    def test_time_zone_of_the_salesperson(self):
        # Touched Monday 23:30 UTC = Tuesday 00:30 in Brussels: Wednesday 22:30 UTC is 1 business day there.
        touched = MONDAY.replace(hour=23, minute=30)
        lead = self._lead(touched=touched)
        self._run(touched + timedelta(days=1, hours=23))  # Wednesday 22:30 UTC = Wednesday 23:30 Brussels
        self.assertFalse(self._activities(lead, self.reminder))
        self.user_salesman.tz = "UTC"  # Monday → Wednesday: 2 business days in UTC
        self._run(touched + timedelta(days=1, hours=23))
        self.assertTrue(self._activities(lead, self.reminder))

    def test_activity_or_message_is_a_touch(self):
        lead = self._lead()
        self._run(MONDAY + timedelta(days=2))
        self.assertEqual(lead.sm_followup_state, "reminded")
        # The salesperson logs a call (a note) on Wednesday: the ladder starts over.
        lead.with_user(self.user_salesman).message_post(body="Called, will send a quote", message_type="comment")
        message = lead.message_ids[:1]
        message.sudo().date = MONDAY + timedelta(days=2, hours=1)
        self._run(MONDAY + timedelta(days=3))
        self.assertEqual(lead.sm_followup_state, "none")
        self._activities(lead, self.reminder).action_feedback("done")
        # A future activity planned by the salesperson keeps the lead out of the discipline.
        lead.activity_schedule("mail.mail_activity_data_call", date_deadline=(MONDAY + timedelta(days=30)).date())
        self._run(MONDAY + timedelta(days=20))
        self.assertFalse(self._activities(lead, self.reminder))

    def test_pool_rule_unassigns_and_reassigns_to_someone_else(self):
        self.stage.sm_return_to_pool = True
        self.team.sm_workload_assignment = True
        lead = self._lead()
        self._run(MONDAY + timedelta(days=2))
        result = self._run(MONDAY + timedelta(days=4))
        self.assertEqual(result["pooled"], 1)
        self.assertEqual(lead.sm_pool_user_id, self.user_salesman)
        self.assertEqual(lead.user_id, self.user_salesman_2, "given to another member of the team")
        self.assertFalse(self._activities(lead, self.reminder), "the previous owner's reminder is closed")
        self.assertTrue(lead.message_ids.filtered(lambda m: "Returned to the team pool" in (m.body or "")))

    def test_stage_settings_validation(self):
        with self.assertRaises(ValidationError):
            self.stage.sm_max_idle_days = -1
        with self.assertRaises(ValidationError):
            self.env["crm.stage"].create({"name": "Bad", "sm_max_idle_days": 2, "sm_return_to_pool": True})


@tagged("post_install", "-at_install")
class TestStageGates(SalesMgmtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leader = new_test_user(cls.env, "sm_gate_leader", groups="sales_team.group_sale_salesman_all_leads")
        cls.team = cls.env["crm.team"].create({"name": "Gate Team", "user_id": cls.leader.id})
        cls.env["crm.team.member"].create({"crm_team_id": cls.team.id, "user_id": cls.user_salesman.id})
        revenue = cls.env["ir.model.fields"]._get("crm.lead", "expected_revenue")
        cls.negotiation = cls.env["crm.stage"].create(
            {
                "name": "Negotiation (gated)",
                "sequence": 600,
                "sm_required_field_ids": [(6, 0, revenue.ids)],
                "sm_requires_quotation": True,
            }
        )
        cls.contract = cls.env["crm.stage"].create(
            {"name": "Contract (approval)", "sequence": 700, "sm_requires_approval": True}
        )
        cls.partner = cls.env["res.partner"].create({"name": "Gate Customer"})

    def _lead(self):
        return (
            self.env["crm.lead"]
            .with_user(self.user_salesman)
            .create({"name": "Deal", "type": "opportunity", "team_id": self.team.id, "partner_id": self.partner.id})
        )

    def test_required_fields_and_quotation(self):
        lead = self._lead()
        stage = lead.stage_id
        with self.assertRaises(ValidationError) as error:
            lead.stage_id = self.negotiation
        self.assertIn("without: Expected Revenue, a quotation", str(error.exception))
        self.assertEqual(lead.stage_id, stage)
        lead.expected_revenue = 5000
        with self.assertRaises(ValidationError) as error:
            lead.stage_id = self.negotiation
        self.assertIn("without: a quotation", str(error.exception))
        self.env["sale.order"].with_user(self.user_salesman).create(
            {"partner_id": self.partner.id, "opportunity_id": lead.id}
        )
        lead.stage_id = self.negotiation
        self.assertEqual(lead.stage_id, self.negotiation)

    def test_manager_approval(self):
        lead = self._lead()
        with self.assertRaises(UserError) as error:
            lead.stage_id = self.contract
        self.assertIn("needs a manager's approval", str(error.exception))
        with self.assertRaises(UserError):
            lead.action_request_stage_approval()  # no stage chosen
        with Form(lead) as form:
            form.sm_requested_stage_id = self.contract
        lead.action_request_stage_approval()
        activity = lead.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("sales_mgmt_core.mail_activity_type_stage_approval")
        )
        self.assertEqual(activity.user_id, self.leader)
        with self.assertRaises(UserError):
            lead.action_approve_stage()  # the salesperson cannot approve
        lead.with_user(self.leader).action_approve_stage()
        self.assertEqual(lead.stage_id, self.contract)
        self.assertFalse(lead.sm_requested_stage_id)
        self.assertFalse(lead.activity_ids.filtered(lambda a: a.activity_type_id == activity.activity_type_id))
