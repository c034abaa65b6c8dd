from odoo import fields, models


class SalesComplaintCategory(models.Model):
    _name = "sales.complaint.category"
    _description = "Complaint Category"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _name_uniq = models.Constraint("unique(name)", "A complaint category with this name already exists.")
