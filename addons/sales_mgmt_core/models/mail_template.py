from odoo import fields, models


class MailTemplate(models.Model):
    _inherit = "mail.template"

    sales_mgmt_managed = fields.Boolean(
        "Sales Management Template",
        readonly=True,
        help="Customer follow-up templates of Sales Management: only its managers edit them.",
    )
