from odoo import models
from odoo.tools import SQL


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        """Queue the customers whose order history a merge changes for the incremental
        segment pass: the survivor takes the merged contacts' orders (its scores, merged from
        the contacts' company-dependent values, are stale), and the former commercial
        partners of merged contacts lose them."""
        partners = self.env["res.partner"].browse(partner_ids).exists()
        commercial_before = partners.commercial_partner_id
        result = super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
        survivors = partners.exists()
        if len(survivors) < len(partners):  # something was merged (super returns early otherwise)
            customers = (survivors.commercial_partner_id | commercial_before).exists()
            self.env["sales.segment.queue"]._enqueue(customers.ids)
            self.env["res.partner"].invalidate_model(["sm_segment_dirty"])
        return result

    def _update_values(self, src_partners, dst_partner):
        """Odoo copies the merged contacts' values onto the survivor: its credit controls
        and scores come from records of the same customer, not from the user, so the
        protected-field guard of ``res.partner`` lets this write through (the scores are
        recomputed by the incremental segment pass)."""
        with dst_partner._sm_protected_write_allowed():
            return super()._update_values(src_partners, dst_partner)

    def _update_foreign_keys(self, src_partners, dst_partner):
        """Credit-check lock rows are keyed by (partner, company): re-pointing the merged
        partners' rows to the survivor would collide with its own. They hold no data, so the
        merged partners' rows go (the survivor's row serves from now on)."""
        self.env.execute_query(SQL("DELETE FROM sales_mgmt_credit_lock WHERE partner_id = ANY(%s)", src_partners.ids))
        return super()._update_foreign_keys(src_partners, dst_partner)
