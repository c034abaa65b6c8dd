from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize

from ..models.crm_lead import QUALITY_GRADES
from ..tools.business_card import parse_card


class CrmLeadCardWizard(models.TransientModel):
    _name = "crm.lead.card.wizard"
    _description = "Lead from a Business Card"

    card_text = fields.Text("Business Card", help="Paste the text of the card (or its OCR); the fields fill in.")
    contact_name = fields.Char()
    partner_name = fields.Char("Company Name")
    function = fields.Char("Job Position")
    email_from = fields.Char("Email")
    phone = fields.Char()
    website = fields.Char()
    country_id = fields.Many2one("res.country", default=lambda self: self.env.company.country_id)
    source_id = fields.Many2one("utm.source")
    sm_quality_grade = fields.Selection(QUALITY_GRADES, string="Quality Grade")
    team_id = fields.Many2one("crm.team", string="Sales Team", default=lambda self: self.env.user.sale_team_id)
    assign_automatically = fields.Boolean(
        help="Leave the salesperson empty so that the team's workload assignment picks one."
    )
    duplicate_partner_ids = fields.Many2many("res.partner", compute="_compute_duplicates", string="Existing Contacts")
    duplicate_lead_ids = fields.Many2many("crm.lead", compute="_compute_duplicates", string="Existing Leads")
    duplicate_hidden_count = fields.Integer(
        compute="_compute_duplicates", string="Leads of Others", help="Matching leads you are not allowed to see."
    )

    @api.onchange("card_text")
    def _onchange_card_text(self):
        if not self.card_text:
            return
        parsed = parse_card(self.card_text)
        for fname in ("contact_name", "partner_name", "function", "email_from", "website"):
            if parsed[fname]:
                self[fname] = parsed[fname]
        if parsed["phone"] or parsed["mobile"]:
            # A lead has one phone field: the mobile reaches the person, the landline a switchboard.
            self.phone = parsed["mobile"] or parsed["phone"]
        if parsed["country_code"]:
            # The phone number is read with this country: +86 or a Chinese card means China.
            country = self.env["res.country"].search([("code", "=", parsed["country_code"])], limit=1)
            if country:
                self.country_id = country

    @api.depends("email_from", "phone", "country_id")
    def _compute_duplicates(self):
        Partner, Lead = self.env["res.partner"], self.env["crm.lead"]
        for wizard in self:
            email = email_normalize(wizard.email_from or "")
            phone = wizard._sanitized_phone()
            partner_domain, lead_domain = [], []
            if email:
                partner_domain.append([("email_normalized", "=", email)])
                lead_domain.append([("email_normalized", "=", email)])
            if phone:
                partner_domain.append([("phone_sanitized", "=", phone)])
                lead_domain.append([("phone_sanitized", "=", phone)])
            wizard.duplicate_partner_ids = (
                Partner.search(self._or(partner_domain), limit=20) if partner_domain else False
            )
            lead_domain = [*self._or(lead_domain), ("active", "in", [True, False])] if lead_domain else None
            visible = Lead.search(lead_domain, limit=20) if lead_domain else Lead
            wizard.duplicate_lead_ids = visible
            # Leads of other salespeople are counted (not shown), so nobody works the same person twice.
            wizard.duplicate_hidden_count = (
                Lead.sudo().search_count([*lead_domain, ("id", "not in", visible.ids)]) if lead_domain else 0
            )

    @staticmethod
    def _or(domains):
        result = []
        for _i in range(len(domains) - 1):
            result.append("|")
        for domain in domains:
            result.extend(domain)
        return result

    def _sanitized_phone(self):
        if not self.phone:
            return False
        return self.env["res.partner"]._phone_format(number=self.phone, country=self.country_id) or False

    def _prepare_lead_values(self):
        self.ensure_one()
        partner = self.duplicate_partner_ids[:1] if len(self.duplicate_partner_ids) == 1 else self.env["res.partner"]
        vals = {
            "name": self.partner_name or self.contact_name,
            "type": "lead",
            "contact_name": self.contact_name,
            "partner_name": self.partner_name,
            "function": self.function,
            "email_from": self.email_from,
            "phone": self.phone,
            "website": self.website,
            "country_id": self.country_id.id,
            "source_id": self.source_id.id,
            "sm_quality_grade": self.sm_quality_grade,
            "team_id": self.team_id.id,
        }
        if partner:
            vals["partner_id"] = partner.id
        if self.assign_automatically:
            vals["user_id"] = False
        return vals

    def action_create_lead(self):
        self.ensure_one()
        if not (self.contact_name or self.partner_name):
            raise UserError(self.env._("The card gives neither a person's nor a company's name."))
        if not (self.email_from or self.phone):
            raise UserError(self.env._("A lead needs an e-mail or a phone number to be followed up."))
        lead = self.env["crm.lead"].create(self._prepare_lead_values())
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": lead.id,
            "view_mode": "form",
            "target": "current",
        }
