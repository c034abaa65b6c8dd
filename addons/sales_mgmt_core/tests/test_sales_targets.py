from datetime import date, datetime

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import SalesMgmtCommon

NOV = date(2026, 11, 1)


@tagged("post_install", "-at_install")
class TestSalesTargets(SalesMgmtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leader = new_test_user(
            cls.env, "sm_tg_leader", groups="sales_mgmt_core.group_sales_mgmt_user", name="Leo Leader"
        )
        cls.team = cls.env["crm.team"].create({"name": "Target Team", "user_id": cls.leader.id})
        cls.other_team = cls.env["crm.team"].create({"name": "Other Team"})
        cls.env["crm.team.member"].create(
            [
                {"crm_team_id": cls.team.id, "user_id": cls.user_salesman.id},
                {"crm_team_id": cls.other_team.id, "user_id": cls.user_salesman_2.id},
            ]
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Target product", "type": "consu", "list_price": 100.0, "taxes_id": [Command.clear()]}
        )
        cls.user_salesman.tz = "Asia/Shanghai"
        Partner = cls.env["res.partner"]
        cls.old_customer = Partner.create({"name": "Old customer"})
        cls.new_customer = Partner.create({"name": "New customer"})
        cls.new_contact = Partner.create({"name": "New contact", "parent_id": cls.new_customer.id})
        # Old customer ordered in October: not new in November.
        cls._order(cls.old_customer, 300, datetime(2026, 10, 10, 12), cls.user_salesman)
        cls._order(cls.old_customer, 1000, datetime(2026, 11, 10, 12), cls.user_salesman)
        # New customer (via its contact): first order in November, a second one too.
        cls._order(cls.new_contact, 500, datetime(2026, 11, 12, 12), cls.user_salesman)
        cls._order(cls.new_customer, 200, datetime(2026, 11, 20, 12), cls.user_salesman)
        # 30 Nov 17:00 UTC is 1 Dec 01:00 in Shanghai: December for Sam.
        cls._order(cls.old_customer, 4000, datetime(2026, 11, 30, 17), cls.user_salesman)
        # 31 Oct 20:00 UTC is 1 Nov 04:00 in Shanghai: November for Sam.
        cls._order(cls.old_customer, 50, datetime(2026, 10, 31, 20), cls.user_salesman)
        # Cancelled orders and other salespeople do not count.
        cancelled = cls._order(cls.new_customer, 9999, datetime(2026, 11, 15, 12), cls.user_salesman)
        cancelled._action_cancel()
        cls._order(cls.new_customer, 700, datetime(2026, 11, 15, 12), cls.user_salesman_2)
        # Won opportunities: one in November, one lost.
        Lead = cls.env["crm.lead"]
        won = Lead.create({"name": "Won deal", "user_id": cls.user_salesman.id, "team_id": cls.team.id})
        won.action_set_won()
        won.date_closed = datetime(2026, 11, 5, 9)
        lost = Lead.create({"name": "Lost deal", "user_id": cls.user_salesman.id, "team_id": cls.team.id})
        lost.action_set_lost()
        # Activities: one done in November, a visit checked in.
        activity = cls.old_customer.activity_schedule("mail.mail_activity_data_call", user_id=cls.user_salesman.id)
        activity.with_user(cls.user_salesman).action_feedback("Called")
        cls.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", cls.old_customer.id),
                ("mail_activity_type_id", "!=", False),
            ]
        ).write({"date": datetime(2026, 11, 3, 9)})
        visit = cls.env["sales.visit"].create(
            {"partner_id": cls.old_customer.id, "user_id": cls.user_salesman.id, "planned_date": datetime(2026, 11, 4)}
        )
        visit.checkin_note = "Showed the new range"
        visit.action_check_in()
        visit.checkin_date = datetime(2026, 11, 4, 10)

    @classmethod
    def _order(cls, partner, amount, when, user):
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": user.id,
                "order_line": [
                    Command.create({"product_id": cls.product.id, "product_uom_qty": 1, "price_unit": amount})
                ],
            }
        )
        order.with_context(sales_mgmt_skip_checks=True).action_confirm()
        order.date_order = when
        return order

    def _target(self, **vals):
        return self.env["sales.target"].create(
            dict(
                {
                    "user_id": self.user_salesman.id,
                    "date_from": NOV,
                    "target_revenue": 2000,
                    "target_new_customers": 2,
                    "target_won": 1,
                    "target_activities": 4,
                },
                **vals,
            )
        )

    def test_actuals_hand_computed(self):
        target = self._target()
        self.assertEqual(target.team_id, self.team, "the salesperson's team")
        self.assertEqual(target.date_to, date(2026, 11, 30))
        self.assertEqual(target.actual_revenue, 1000 + 500 + 200 + 50)
        self.assertEqual(target.actual_new_customers, 1)
        self.assertEqual(target.actual_won, 1)
        self.assertEqual(target.actual_activities, 2)
        self.assertEqual(target.attainment_revenue, 87.5)
        # 40·0.875 + 20·0.5 + 20·1 + 20·0.5 over 100
        self.assertEqual(target.score, 75.0)
        self.assertEqual(target.rank, 1)
        self.assertEqual(target.name, "Sam Salesman 2026-11")

    def test_quarter_and_team_targets(self):
        quarter = self._target(period_type="quarter", date_from=date(2026, 11, 17))
        self.assertEqual(quarter.date_from, date(2026, 10, 1), "normalised to the quarter's start")
        self.assertEqual(quarter.actual_revenue, 300 + 1000 + 500 + 200 + 50 + 4000)
        team = self.env["sales.target"].create(
            {"scope": "team", "team_id": self.other_team.id, "date_from": NOV, "target_revenue": 1400}
        )
        self.assertEqual(team.actual_revenue, 700)
        self.assertEqual(team.score, 50.0, "only the revenue metric is targeted")

    def test_rank_and_trend(self):
        october = self._target(
            date_from=date(2026, 10, 1), target_revenue=300, target_new_customers=0, target_won=0, target_activities=0
        )
        self.assertEqual(october.actual_revenue, 300)
        self.assertEqual(october.score, 100.0)
        november = self._target()
        sue = self._target(user_id=self.user_salesman_2.id, target_revenue=700)
        self.assertEqual((november.rank, sue.rank), (1, 2))
        self.assertEqual(november.score_previous, 100.0)
        self.assertEqual(november.score_trend, -25.0)

    def test_validation(self):
        with self.assertRaises(ValidationError) as error:
            self._target(target_revenue=-1)
        self.assertIn("cannot be negative", str(error.exception))
        with self.assertRaises(ValidationError) as error:
            self._target(target_revenue=0, target_new_customers=0, target_won=0, target_activities=0)
        self.assertIn("at least one positive", str(error.exception))
        with self.assertRaises(ValidationError):
            self.env["sales.target"].create({"scope": "team", "date_from": NOV, "target_revenue": 10})
        self._target()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self._target()

    def test_visibility(self):
        sam = self._target()
        sue = self._target(user_id=self.user_salesman_2.id)
        Target = self.env["sales.target"]
        self.assertEqual(Target.with_user(self.user_salesman).search([]), sam)
        self.assertEqual(Target.with_user(self.leader).search([]), sam, "the leader sees the team's")
        self.assertEqual(Target.with_user(self.user_manager).search([]), sam | sue)
        with self.assertRaises(AccessError):
            sue.with_user(self.user_salesman).read(["actual_revenue"])
        with self.assertRaises(AccessError):
            Target.with_user(self.user_salesman).create({"user_id": self.user_salesman.id, "target_revenue": 1})
        with self.assertRaises(AccessError):
            Target.with_user(self.user_internal).search([])

    def test_form_and_cron(self):
        with Form(self.env["sales.target"].with_user(self.user_manager)) as form:
            form.user_id = self.user_salesman
            form.date_from = NOV
            form.target_revenue = 1750
        target = form.record
        self.assertEqual(target.attainment_revenue, 100.0)
        self._order(self.new_customer, 250, datetime(2026, 11, 21, 12), self.user_salesman)
        self.env["sales.target"]._cron_refresh_actuals()
        self.assertEqual(target.actual_revenue, 2000)


@tagged("post_install", "-at_install")
class TestVisitsAndCards(SalesMgmtCommon):
    def test_visit_check_in(self):
        customer = self.env["res.partner"].create({"name": "Visited"})
        Visit = self.env["sales.visit"].with_user(self.user_salesman)
        visit = Visit.create({"partner_id": customer.id, "planned_date": datetime(2026, 11, 24, 9), "duration": 1.5})
        self.assertEqual(visit.calendar_event_id.stop, datetime(2026, 11, 24, 10, 30))
        self.assertIn(customer, visit.calendar_event_id.partner_ids)
        with self.assertRaises(UserError) as error:
            visit.action_check_in()
        self.assertIn("check-in notes", str(error.exception))
        visit.checkin_note = "Ordered samples"
        visit.action_check_in()
        self.assertEqual(visit.state, "done")
        self.assertTrue(customer.message_ids.filtered(lambda m: "Ordered samples" in (m.body or "")))
        other = self.env["sales.visit"].create(
            {"partner_id": customer.id, "user_id": self.user_salesman_2.id, "planned_date": datetime(2026, 11, 25)}
        )
        with self.assertRaises(AccessError):
            other.with_user(self.user_salesman).read(["name"])
        with self.assertRaises(ValidationError):
            Visit.create({"partner_id": customer.id, "planned_date": datetime(2026, 11, 24), "duration": 0})

    def test_business_card_with_duplicates(self):
        self.env.company.country_id = self.env.ref("base.be")
        known = self.env["res.partner"].create(
            {"name": "Known", "email": "JANE@acme.example", "phone": "+32 470 12 34 56"}
        )
        Lead = self.env["crm.lead"]
        lead = Lead.create(
            {
                "name": "Old lead",
                "phone": "0470 12 34 56",
                "country_id": self.env.ref("base.be").id,
                "user_id": self.user_salesman.id,
            }
        )
        Lead.create({"name": "Sue's lead", "email_from": "jane@acme.example", "user_id": self.user_salesman_2.id})
        with Form(self.env["crm.lead.card.wizard"].with_user(self.user_salesman)) as form:
            form.card_text = "Jane Doe\nBuyer\nAcme SA\nTel: 0470/12.34.56\nmail: jane@ACME.example"
            self.assertEqual(form.contact_name, "Jane Doe")
            self.assertEqual(form.partner_name, "Acme SA")
        wizard = form.record
        self.assertEqual(wizard.duplicate_partner_ids, known)
        self.assertEqual(wizard.duplicate_lead_ids, lead)
        self.assertEqual(wizard.duplicate_hidden_count, 1, "Sue's lead is counted, not shown")
        action = wizard.action_create_lead()
        created = self.env["crm.lead"].browse(action["res_id"])
        self.assertEqual(created.partner_id, known, "a single match becomes the customer")
        self.assertEqual(created.user_id, self.user_salesman)
        empty = self.env["crm.lead.card.wizard"].create({"card_text": "", "contact_name": "Nobody"})
        with self.assertRaises(UserError) as error:
            empty.action_create_lead()
        self.assertIn("e-mail or a phone", str(error.exception))
