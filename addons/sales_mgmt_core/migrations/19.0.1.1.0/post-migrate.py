"""Customers flagged for the incremental segment pass move to the queue table; the flag
(now computed from the queue) loses its column."""

from odoo.tools.sql import column_exists


def migrate(cr, version):
    if column_exists(cr, "res_partner", "sm_segment_dirty"):
        cr.execute(
            "INSERT INTO sales_mgmt_segment_queue (partner_id) SELECT id FROM res_partner WHERE sm_segment_dirty"
        )
        cr.execute("ALTER TABLE res_partner DROP COLUMN sm_segment_dirty")
