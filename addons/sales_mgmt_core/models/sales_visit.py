from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError


class SalesVisit(models.Model):
    _name = "sales.visit"
    _description = "Customer Visit"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "planned_date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, tracking=True)
    user_id = fields.Many2one(
        "res.users", string="Salesperson", required=True, default=lambda self: self.env.user, index=True, tracking=True
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    lead_id = fields.Many2one("crm.lead", string="Opportunity", domain="[('partner_id', '=', partner_id)]")
    planned_date = fields.Datetime("Planned", required=True, tracking=True)
    duration = fields.Float("Duration (hours)", default=1.0)
    purpose = fields.Char()
    state = fields.Selection(
        [("planned", "Planned"), ("done", "Done"), ("cancelled", "Cancelled")],
        default="planned",
        required=True,
        tracking=True,
    )
    checkin_date = fields.Datetime("Checked In", readonly=True, copy=False)
    checkin_note = fields.Text("Check-in Notes", copy=False)
    calendar_event_id = fields.Many2one("calendar.event", readonly=True, copy=False)

    @api.constrains("duration")
    def _check_duration(self):
        for visit in self:
            if visit.duration <= 0 or visit.duration > 24:
                raise ValidationError(self.env._("A visit lasts between a few minutes and 24 hours."))

    @api.depends("partner_id", "planned_date")
    def _compute_name(self):
        for visit in self:
            day = fields.Date.to_string(visit.planned_date.date()) if visit.planned_date else ""
            visit.name = self.env._("Visit %(customer)s %(day)s", customer=visit.partner_id.name or "", day=day)

    @api.model_create_multi
    def create(self, vals_list):
        visits = super().create(vals_list)
        events = (
            self.env["calendar.event"]
            .with_context(no_mail_to_attendees=True)
            .create([visit._prepare_calendar_event() for visit in visits])
        )
        for visit, event in zip(visits, events, strict=True):
            visit.calendar_event_id = event
        return visits

    def write(self, vals):
        result = super().write(vals)
        if {"planned_date", "duration", "user_id", "partner_id"} & set(vals):
            for visit in self.filtered("calendar_event_id"):
                visit.calendar_event_id.with_context(no_mail_to_attendees=True).write(visit._prepare_calendar_event())
        return result

    def action_check_in(self):
        for visit in self:
            if visit.state != "planned":
                raise UserError(self.env._("Only a planned visit can be checked in."))
            if not (visit.checkin_note or "").strip():
                raise UserError(self.env._("Write what happened during the visit in the check-in notes first."))
        self.write({"state": "done", "checkin_date": fields.Datetime.now()})
        for visit in self:
            visit.partner_id.message_post(
                body=self.env._("Visit by %(user)s: %(note)s", user=visit.user_id.name, note=visit.checkin_note),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_cancel(self):
        self.write({"state": "cancelled"})
        self.calendar_event_id.unlink()
        return True

    def _prepare_calendar_event(self):
        self.ensure_one()
        return {
            "name": self.name,
            "start": self.planned_date,
            "stop": self.planned_date + timedelta(hours=self.duration),
            "duration": self.duration,
            "user_id": self.user_id.id,
            "partner_ids": [Command.set((self.user_id.partner_id | self.partner_id).ids)],
            "opportunity_id": self.lead_id.id,
            "description": self.purpose or "",
        }
