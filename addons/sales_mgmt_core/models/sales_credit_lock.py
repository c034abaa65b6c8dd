from odoo import models
from odoo.tools import SQL


class SalesCreditLock(models.AbstractModel):
    """Serialises credit checks per (commercial partner, company).

    A row per pair in ``sales_mgmt_credit_lock`` is upserted at each check: a concurrent
    transaction checking the same customer waits for the first one, and under Odoo's
    REPEATABLE READ isolation fails to serialize once it commits; Odoo retries the request,
    which then sees the first order's exposure.
    """

    _name = "sales.credit.lock"
    _description = "Credit Check Lock"

    def init(self):
        self.env.cr.execute("""
            CREATE TABLE IF NOT EXISTS sales_mgmt_credit_lock (
                partner_id integer NOT NULL REFERENCES res_partner(id) ON DELETE CASCADE,
                company_id integer NOT NULL REFERENCES res_company(id) ON DELETE CASCADE,
                checked_at timestamp without time zone NOT NULL DEFAULT (now() at time zone 'UTC'),
                PRIMARY KEY (partner_id, company_id)
            )
        """)

    def _lock_many(self, pairs):
        """Upsert the rows of these (partner id, company id) pairs, in sorted order so that
        two transactions locking overlapping sets wait for each other and never deadlock."""
        pairs = sorted(set(pairs))
        if not pairs:
            return
        self.env.execute_query(
            SQL(
                """
            INSERT INTO sales_mgmt_credit_lock (partner_id, company_id)
            SELECT partner_id, company_id FROM unnest(%s::int[], %s::int[]) AS t(partner_id, company_id)
             ORDER BY partner_id, company_id
            ON CONFLICT (partner_id, company_id) DO UPDATE SET checked_at = now() at time zone 'UTC'
            """,
                [partner_id for partner_id, _company_id in pairs],
                [company_id for _partner_id, company_id in pairs],
            )
        )
