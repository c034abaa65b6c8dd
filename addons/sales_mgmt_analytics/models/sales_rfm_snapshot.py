from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

from odoo.addons.sales_mgmt_core.tools.segmentation import SEGMENTS


class SalesRfmSnapshot(models.Model):
    """Each customer's RFM segment on a date (monthly cron or on demand), for segment migration."""

    _name = "sales.rfm.snapshot"
    _description = "RFM Segment Snapshot"
    _order = "date desc, id"

    date = fields.Date(required=True, index=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True, readonly=True)
    rfm_segment = fields.Selection(SEGMENTS, "RFM Segment", readonly=True)

    @api.depends("partner_id", "date")
    def _compute_display_name(self):
        for snapshot in self:
            date = format_date(self.env, snapshot.date) if snapshot.date else ""
            snapshot.display_name = " · ".join(filter(None, (snapshot.partner_id.display_name, date)))

    _date_company_partner_unique = models.Constraint(
        "UNIQUE(date, company_id, partner_id)", "A customer has one snapshot per company and date."
    )

    @api.model
    def _take(self, day=None, company=None):
        """Copy every customer's current segment for ``company`` on ``day`` (one INSERT; idempotent)."""
        day = day or fields.Date.context_today(self)
        company = company or self.env.company
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO sales_rfm_snapshot (date, company_id, partner_id, rfm_segment, create_uid, create_date,
                                            write_uid, write_date)
            SELECT %(day)s, %(company)s, p.id, p.rfm_segment ->> %(key)s, %(uid)s, now(), %(uid)s, now()
              FROM res_partner p
             WHERE p.rfm_segment ? %(key)s AND p.id = p.commercial_partner_id
            ON CONFLICT (date, company_id, partner_id) DO UPDATE SET rfm_segment = EXCLUDED.rfm_segment
                """,
                day=day,
                company=company.id,
                key=str(company.id),
                uid=self.env.uid,
            )
        )
        return self.env.cr.rowcount

    @api.model
    def _cron_take(self):
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            self._take(company=company)

    @api.model
    def get_migration(self, date_a, date_b, company_id=None):
        """[(segment on date A, segment on date B, customers)] of customers in both snapshots."""
        company_id = company_id or self.env.company.id
        if company_id not in self.env.companies.ids:
            raise UserError(self.env._("You cannot read another company's segments."))
        self.env.cr.execute(
            """
            SELECT a.rfm_segment, b.rfm_segment, COUNT(*)
              FROM sales_rfm_snapshot a
              JOIN sales_rfm_snapshot b ON b.partner_id = a.partner_id AND b.company_id = a.company_id
             WHERE a.date = %s AND b.date = %s AND a.company_id = %s
             GROUP BY 1, 2 ORDER BY 3 DESC
            """,
            [date_a, date_b, company_id],
        )
        return [list(row) for row in self.env.cr.fetchall()]
