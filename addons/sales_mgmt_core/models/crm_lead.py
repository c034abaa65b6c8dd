from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools import followup

STAGE_APPROVAL_CONTEXT = "sales_mgmt_stage_approved"
QUALITY_GRADES = [("a", "A - Hot"), ("b", "B - Warm"), ("c", "C - Cold"), ("d", "D - Unqualified")]


class CrmLead(models.Model):
    _inherit = "crm.lead"

    sm_quality_grade = fields.Selection(
        QUALITY_GRADES,
        string="Quality Grade",
        tracking=True,
        help="Qualification of the lead by the person capturing it.",
    )
    sm_industry_id = fields.Many2one("res.partner.industry", string="Industry", tracking=True)
    sm_product_category_id = fields.Many2one(
        "product.category",
        string="Product Interest",
        help="Product category the lead is interested in; matched against the salespeople's skills.",
    )
    # Follow-up discipline
    sm_followup_state = fields.Selection(
        [("none", "On Track"), ("reminded", "Reminded"), ("escalated", "Escalated")],
        string="Follow-up",
        default="none",
        copy=False,
        readonly=True,
        tracking=True,
    )
    sm_followup_date = fields.Datetime("Follow-up Step Date", copy=False, readonly=True)
    sm_pool_user_id = fields.Many2one(
        "res.users",
        string="Returned to Pool By",
        copy=False,
        readonly=True,
        help="Salesperson the lead was taken back from for lack of follow-up; "
        "automatic assignment gives it to someone else.",
    )
    # Stage gates
    sm_requested_stage_id = fields.Many2one(
        "crm.stage",
        string="Stage Requested",
        copy=False,
        tracking=True,
        domain="[('sm_requires_approval', '=', True)]",
    )
    sm_approved_stage_id = fields.Many2one("crm.stage", string="Stage Approved", copy=False, readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        if not self.env.context.get("sales_mgmt_no_auto_assign"):
            to_assign = leads.filtered(lambda lead: not lead.user_id and lead.team_id.sm_workload_assignment)
            for team, team_leads in to_assign.grouped("team_id").items():
                team.sudo()._sm_assign_leads(team_leads.sudo())
        return leads

    def write(self, vals):
        result = super().write(vals)
        if vals.get("stage_id"):
            self._check_stage_gates()
        if "stage_id" in vals or "user_id" in vals:
            # A stage change (or a new owner) is a touch: the follow-up ladder starts over.
            touched = self.filtered(lambda lead: lead.sm_followup_state != "none")
            if touched:
                super(CrmLead, touched).write({"sm_followup_state": "none", "sm_followup_date": False})
        return result

    def _check_stage_gates(self):
        """Required fields, a quotation, or a manager's approval to enter a gated stage."""
        is_manager = self.env.user.has_group("sales_team.group_sale_manager")
        approved = self.env.context.get(STAGE_APPROVAL_CONTEXT) or self.env.su
        for lead in self:
            stage = lead.stage_id.sudo()  # salespeople cannot read ir.model.fields
            missing = [f.field_description for f in stage.sm_required_field_ids if not lead[f.name]]
            if stage.sm_requires_quotation and not lead.order_ids:
                missing.append(self.env._("a quotation"))
            if missing:
                raise ValidationError(
                    self.env._(
                        "%(lead)s cannot enter the stage %(stage)s without: %(missing)s.",
                        lead=lead.display_name,
                        stage=stage.name,
                        missing=", ".join(missing),
                    )
                )
            if stage.sm_requires_approval and not (approved or is_manager or lead.sm_approved_stage_id == stage):
                raise UserError(
                    self.env._(
                        "Entering the stage %(stage)s needs a manager's approval. Set it as the requested stage "
                        "on %(lead)s and click “Request Approval”.",
                        stage=stage.name,
                        lead=lead.display_name,
                    )
                )

    def action_request_stage_approval(self):
        for lead in self:
            if not lead.sm_requested_stage_id:
                raise UserError(self.env._("Choose the stage to request on %s first.", lead.display_name))
            approvers = lead.team_id.user_id or self.env.ref("sales_team.group_sale_manager").user_ids[:1]
            if not approvers:
                raise UserError(self.env._("Nobody can approve: the sales team has no leader."))
            # in the approver's language, whoever asks
            lang_lead = lead.with_context(lang=approvers[0].lang or self.env.lang)
            lang_lead.activity_schedule(
                "sales_mgmt_core.mail_activity_type_stage_approval",
                user_id=approvers[0].id,
                summary=lang_lead.env._("Approve stage %s", lang_lead.sm_requested_stage_id.name),
            )
        return True

    def action_approve_stage(self):
        if not self.env.user.has_group("sales_team.group_sale_manager") and any(
            lead.team_id.user_id != self.env.user for lead in self
        ):
            raise UserError(self.env._("Only the team leader or a sales manager can approve a stage."))
        for lead in self:
            stage = lead.sm_requested_stage_id
            if not stage:
                continue
            lead.with_context(**{STAGE_APPROVAL_CONTEXT: True}).write(
                {"sm_approved_stage_id": stage.id, "stage_id": stage.id, "sm_requested_stage_id": False}
            )
            lead.activity_feedback(
                ["sales_mgmt_core.mail_activity_type_stage_approval"],
                feedback=self.env._("Approved by %s", self.env.user.name),
            )
        return True

    # ------------------------------------------------------------------
    # Follow-up discipline
    # ------------------------------------------------------------------

    @api.model
    def _cron_followup_discipline(self, now=None):
        """Remind idle leads' owners, escalate to team leaders, return unattended leads to the pool.

        Idle = business days since the last touch (stage change, message or e-mail, activity
        planned or done) in the salesperson's time zone, without weekends and the company's
        public holidays. Never creates a second open reminder or escalation for a lead.
        """
        now = now or fields.Datetime.now()
        rows = self._sm_idle_candidates(now)
        if not rows:
            return {"reminded": 0, "escalated": 0, "pooled": 0}
        leads = self.browse([r[0] for r in rows]).with_context(mail_notrack=True)
        last_touch = {r[0]: r[1] for r in rows}
        holidays = self._sm_company_holidays(leads.company_id | self.env.company, now)
        # Reset the ladder of leads touched since the last step.
        touched = leads.filtered(lambda lead: lead.sm_followup_date and last_touch[lead.id] > lead.sm_followup_date)
        touched.write({"sm_followup_state": "none", "sm_followup_date": False})
        leads.invalidate_recordset(["sm_followup_state", "sm_followup_date"])
        todo = {"remind": self.browse(), "escalate": self.browse()}
        for lead in leads:
            stage = lead.stage_id.sudo()  # salespeople cannot read ir.model.fields
            idle = followup.business_days_between(
                last_touch[lead.id],
                now,
                lead.user_id.tz or lead.company_id.partner_id.tz,
                holidays.get(lead.company_id.id or self.env.company.id, frozenset()),
            )
            step = followup.followup_step(idle, lead.sm_followup_state, stage.sm_max_idle_days, stage.sm_escalate_days)
            if step:
                todo[step] |= lead
        reminded = todo["remind"]._sm_schedule_reminders(now)
        escalated, pooled = todo["escalate"]._sm_escalate(now)
        return {"reminded": len(reminded), "escalated": len(escalated), "pooled": len(pooled)}

    def _sm_idle_candidates(self, now):
        """(lead id, last touch) of open, owned leads in stages with an idle limit of N business days,
        untouched for more than N - 1 calendar days (N business days can pass in a little over
        N - 1 days: late on day 0 to early on day N), a superset of those that are idle."""
        activity_types = [
            self.env.ref("sales_mgmt_core.mail_activity_type_followup_reminder").id,
            self.env.ref("sales_mgmt_core.mail_activity_type_followup_escalation").id,
        ]
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            SELECT l.id, t.last_touch
              FROM crm_lead l
              JOIN crm_stage s ON s.id = l.stage_id AND s.sm_max_idle_days > 0
              CROSS JOIN LATERAL (
                SELECT GREATEST(
                         l.create_date, l.date_last_stage_update, l.date_open,
                         (SELECT max(m.date) FROM mail_message m
                           WHERE m.model = 'crm.lead' AND m.res_id = l.id
                             AND (m.message_type IN ('comment', 'email', 'email_outgoing')
                                  OR m.mail_activity_type_id IS NOT NULL)
                             AND (m.mail_activity_type_id IS NULL OR m.mail_activity_type_id != ALL(%(types)s))),
                         (SELECT max(a.create_date) FROM mail_activity a
                           WHERE a.res_model = 'crm.lead' AND a.res_id = l.id
                             AND a.activity_type_id != ALL(%(types)s))
                       ) AS last_touch
              ) t
             WHERE l.active AND l.user_id IS NOT NULL AND l.won_status = 'pending'
               AND (l.sm_followup_state != 'none'  -- to reset the ladder of touched ones
                    OR (t.last_touch < %(now)s - make_interval(days => s.sm_max_idle_days - 1)
                        AND NOT EXISTS (SELECT 1 FROM mail_activity a
                                         WHERE a.res_model = 'crm.lead' AND a.res_id = l.id AND a.active
                                           AND a.activity_type_id != ALL(%(types)s)
                                           AND a.date_deadline >= %(today)s)))
             ORDER BY l.id
                """,
                types=activity_types,
                now=now,
                today=now.date(),
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _sm_company_holidays(self, companies, now):
        """{company id: dates} of the company calendars' public holidays around ``now``."""
        result = {}
        horizon = now - timedelta(days=366)
        for company in companies:
            dates = set()
            for leave in company.resource_calendar_id.global_leave_ids:
                if leave.date_to < horizon:
                    continue
                day = leave.date_from.date()
                while day <= leave.date_to.date():
                    dates.add(day)
                    day += timedelta(days=1)
            result[company.id] = frozenset(dates)
        return result

    def _sm_with_open_activity(self, xmlid):
        """Ids of these leads having an open activity of the type ``xmlid``."""
        activities = self.env["mail.activity"].search(
            [
                ("res_model", "=", "crm.lead"),
                ("res_id", "in", self.ids),
                ("activity_type_id", "=", self.env.ref(xmlid).id),
            ]
        )
        return set(activities.mapped("res_id"))

    def _sm_schedule_reminders(self, now):
        xmlid = "sales_mgmt_core.mail_activity_type_followup_reminder"
        done = self._sm_with_open_activity(xmlid)
        reminded = self.filtered(lambda lead: lead.id not in done)
        for lead in reminded:
            # in the salesperson's language (the cron writes as en_US)
            lang_lead = lead.with_context(lang=lead.user_id.lang or self.env.lang)
            lang_lead.activity_schedule(
                xmlid,
                date_deadline=followup.local_date(now, lead.user_id.tz),
                user_id=lead.user_id.id,
                note=lang_lead.env._(
                    "No activity or stage change for %(days)s business days in stage %(stage)s.",
                    days=lang_lead.stage_id.sm_max_idle_days,
                    stage=lang_lead.stage_id.name,
                ),
            )
        self.write({"sm_followup_state": "reminded", "sm_followup_date": now})
        return reminded

    def _sm_escalate(self, now):
        xmlid = "sales_mgmt_core.mail_activity_type_followup_escalation"
        done = self._sm_with_open_activity(xmlid)
        escalated = pooled = self.browse()
        for lead in self:
            leader = lead.team_id.user_id
            if leader and lead.id not in done:
                lang_lead = lead.with_context(lang=leader.lang or self.env.lang)  # the leader's language
                lang_lead.activity_schedule(
                    xmlid,
                    date_deadline=followup.local_date(now, leader.tz),
                    user_id=leader.id,
                    note=lang_lead.env._(
                        "%(user)s has not followed up %(lead)s despite a reminder.",
                        user=lead.user_id.name,
                        lead=lead.display_name,
                    ),
                )
            escalated |= lead
            if lead.stage_id.sm_return_to_pool:
                pooled |= lead
        escalated.write({"sm_followup_state": "escalated", "sm_followup_date": now})
        if pooled:
            bodies = {
                lead.id: Markup("<p>%s</p>")
                % self.env._(
                    "Returned to the team pool: %(user)s did not follow up after a reminder and an escalation.",
                    user=lead.user_id.name,
                )
                for lead in pooled
            }
            pooled._message_log_batch(bodies)
            for lead in pooled:
                lead.sm_pool_user_id = lead.user_id
            # Open reminders belong to the previous owner: close them with the unassignment.
            pooled.activity_unlink(["sales_mgmt_core.mail_activity_type_followup_reminder"])
            pooled.with_context(sales_mgmt_no_auto_assign=True).write({"user_id": False})
            for team, team_leads in pooled.grouped("team_id").items():
                if team.sm_workload_assignment:
                    team._sm_assign_leads(team_leads)
        return escalated, pooled
