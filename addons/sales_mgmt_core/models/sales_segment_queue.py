from odoo import models
from odoo.tools import SQL


class SalesSegmentQueue(models.AbstractModel):
    """Customers waiting for the incremental segment recompute.

    An append-only table rather than a flag on the partner: confirmations in concurrent
    transactions (queue jobs, workers) that share a customer only insert rows, so they never
    update the same partner row and never fail to serialize because of it. The incremental
    pass takes rows with ``FOR UPDATE SKIP LOCKED`` and deletes them in its own transaction,
    so a failed pass leaves them queued.
    """

    _name = "sales.segment.queue"
    _description = "Customer Segment Recompute Queue"

    def init(self):
        self.env.cr.execute("""
            CREATE TABLE IF NOT EXISTS sales_mgmt_segment_queue (
                partner_id integer NOT NULL REFERENCES res_partner(id) ON DELETE CASCADE,
                queued_at timestamp without time zone NOT NULL DEFAULT (now() at time zone 'UTC')
            );
            CREATE INDEX IF NOT EXISTS sales_mgmt_segment_queue_partner_id_idx
                ON sales_mgmt_segment_queue (partner_id);
        """)

    def _enqueue(self, partner_ids):
        if partner_ids:
            self.env.execute_query(
                SQL(
                    "INSERT INTO sales_mgmt_segment_queue (partner_id) SELECT DISTINCT unnest(%s::int[])",
                    list(partner_ids),
                )
            )

    def _take(self, limit):
        """Remove up to ``limit`` queued rows no other transaction is taking; their partners."""
        rows = self.env.execute_query(
            SQL(
                """
            WITH taken AS (
                SELECT ctid FROM sales_mgmt_segment_queue ORDER BY partner_id LIMIT %s FOR UPDATE SKIP LOCKED
            )
            DELETE FROM sales_mgmt_segment_queue q USING taken WHERE q.ctid = taken.ctid
            RETURNING q.partner_id
            """,
                limit,
            )
        )
        return sorted({partner_id for (partner_id,) in rows})

    def _queued(self, partner_ids):
        """The partners among these that wait for the recompute."""
        rows = self.env.execute_query(
            SQL(
                "SELECT DISTINCT partner_id FROM sales_mgmt_segment_queue WHERE partner_id = ANY(%s)",
                list(partner_ids),
            )
        )
        return {partner_id for (partner_id,) in rows}
