"""Targets learn whether they had a previous target (``has_previous_score``): the new column is
False everywhere after the update, which would hide the previous score and trend of every
existing target until its next refresh; the ranks pass sets it for all of them now."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["sales.target"].with_context(active_test=False).search([])._refresh_ranks()
