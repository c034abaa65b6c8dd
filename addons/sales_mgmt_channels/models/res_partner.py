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
    sm_channel_oaid = fields.Char(
        "Channel Receiver ID",
        index="btree_not_null",
        copy=False,
        help="The marketplace's id of an encrypted receiver (Taobao oaid): a later decrypt fills this address.",
    )
    sm_channel_masked = fields.Boolean(
        "Masked by the Channel",
        copy=False,
        help="The marketplace masked this receiver's name, phone or address: kept as received on this "
        "delivery address only, never used to find customers.",
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
