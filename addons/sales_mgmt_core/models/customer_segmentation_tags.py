from odoo import models

from ..tools import segmentation as seg

AUTO_TAGS = {
    "frequency": {
        "high": "sales_mgmt_core.partner_tag_frequency_high",
        "mid": "sales_mgmt_core.partner_tag_frequency_mid",
        "low": "sales_mgmt_core.partner_tag_frequency_low",
    },
    "spend": {
        "big": "sales_mgmt_core.partner_tag_spend_big",
        "mid": "sales_mgmt_core.partner_tag_spend_mid",
        "small": "sales_mgmt_core.partner_tag_spend_small",
    },
    "location": {
        "local": "sales_mgmt_core.partner_tag_local",
        "remote": "sales_mgmt_core.partner_tag_remote",
    },
}


class SalesCustomerSegmentation(models.AbstractModel):
    """The automatic partner tags (under "Auto") that follow the scores: frequency, spend, location."""

    _inherit = "sales.customer.segmentation"

    def _auto_tag_ids(self):
        result = {}
        for kind, tags in AUTO_TAGS.items():
            result[kind] = {band: self.env.ref(xmlid).id for band, xmlid in tags.items()}
        return result

    def _tag_owner_ids(self, company, ids):
        """Partners whose automatic tags this company maintains: its own, and shared ones
        when it is the first company created, the main one (tags are not per company)."""
        first_company = self.env["res.company"].sudo().search([], order="id", limit=1)
        self.env.cr.execute(
            "SELECT id FROM res_partner WHERE id = ANY(%s) AND (company_id = %s OR (company_id IS NULL AND %s))",
            [ids, company.id, company == first_company],
        )
        return {r[0] for r in self.env.cr.fetchall()}

    def _sync_tags(self, company, scores, stats_by_id, reset_ids):
        tag_ids = self._auto_tag_ids()
        all_auto = {tid for tags in tag_ids.values() for tid in tags.values()}
        ids = [sc.partner_id for sc in scores] + list(reset_ids)
        if not ids:
            return
        owned = self._tag_owner_ids(company, ids)
        company_state, company_country = company.state_id.id, company.country_id.id
        desired = {}
        for sc in scores:
            if sc.partner_id not in owned:
                continue
            st = stats_by_id[sc.partner_id]
            wanted = {tag_ids["frequency"][sc.frequency_band], tag_ids["spend"][sc.spend_band]}
            band = seg.location_band(company_state, company_country, st.state_id, st.country_id)
            if band:
                wanted.add(tag_ids["location"][band])
            desired[sc.partner_id] = wanted
        for pid in reset_ids:
            if pid in owned:
                desired[pid] = set()
        if not desired:
            return
        self.env["res.partner"].flush_model(["category_id"])
        self.env.cr.execute(
            "SELECT partner_id, category_id FROM res_partner_res_partner_category_rel "
            "WHERE partner_id = ANY(%s) AND category_id = ANY(%s)",
            [list(desired), list(all_auto)],
        )
        current = {}
        for pid, cid in self.env.cr.fetchall():
            current.setdefault(pid, set()).add(cid)
        to_add, to_remove = [], []
        for pid, wanted in desired.items():
            have = current.get(pid, set())
            to_add += [(pid, cid) for cid in wanted - have]
            to_remove += [(pid, cid) for cid in have - wanted]
        if to_remove:
            self._copy_to_temp("sm_tag_tmp", "partner_id int, category_id int", to_remove)
            self.env.cr.execute(
                "DELETE FROM res_partner_res_partner_category_rel r USING sm_tag_tmp v "
                "WHERE r.partner_id = v.partner_id AND r.category_id = v.category_id"
            )
        if to_add:
            self._copy_to_temp("sm_tag_tmp", "partner_id int, category_id int", to_add)
            self.env.cr.execute(
                "INSERT INTO res_partner_res_partner_category_rel (partner_id, category_id) "
                "SELECT partner_id, category_id FROM sm_tag_tmp ON CONFLICT DO NOTHING"
            )
        if to_add or to_remove:
            self.env["res.partner"].invalidate_model(["category_id"])
            self.env["res.partner.category"].invalidate_model(["partner_ids"])
