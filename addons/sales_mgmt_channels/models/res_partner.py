from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    sm_possible_duplicate_ids = fields.Many2many(
        "res.partner",
        "res_partner_sm_possible_duplicate_rel",
        "partner_id",
        "duplicate_id",
        string="Possible Duplicates",
        copy=False,
        help="Customers with the same name and postal code found when a channel order created this "
        "customer. Never merged automatically: review them with Odoo's merge wizard.",
    )

    def action_sm_review_duplicates(self):
        """Odoo's own partner merge wizard, with this customer and its possible duplicates."""
        self.ensure_one()
        partners = self | self.sm_possible_duplicate_ids
        return {
            "type": "ir.actions.act_window",
            "res_model": "base.partner.merge.automatic.wizard",
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Merge Contacts"),
            "context": {"active_model": "res.partner", "active_ids": partners.ids, "active_id": self.id},
        }

    def action_sm_dismiss_duplicates(self):
        self.sm_possible_duplicate_ids = [fields.Command.clear()]
        self.activity_unlink(["sales_mgmt_channels.mail_activity_type_possible_duplicate"])
