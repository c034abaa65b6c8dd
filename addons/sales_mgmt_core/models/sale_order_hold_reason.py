from odoo import api, fields, models

from ..tools.messages import installed_langs


class SaleOrderHoldReason(models.Model):
    """One failed check of an order's confirmation, with the figures that failed it.

    An audit trail: readable with its order (record rules follow the order's), written only
    by the approval code (as the system); nobody has write, create or delete rights.
    """

    _name = "sale.order.hold.reason"
    _description = "Order Approval Reason"
    _order = "id"
    _rec_name = "message"

    order_id = fields.Many2one("sale.order", required=True, ondelete="cascade", index=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner", "Credit Account", readonly=True, help="The commercial partner whose credit failed the check."
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    check = fields.Selection(
        [
            ("blocked", "Customer blocked"),
            ("credit_limit", "Credit limit"),
            ("overdue", "Overdue invoices"),
            ("stock", "Stock"),
        ],
        required=True,
    )
    # Stored in every installed language: the approver reads the reason in theirs, whoever held the order.
    message = fields.Char(required=True, translate=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    credit_limit = fields.Monetary(currency_field="currency_id")
    exposure = fields.Monetary(currency_field="currency_id")
    overdue_amount = fields.Monetary(currency_field="currency_id")
    product_id = fields.Many2one("product.product")
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    ordered_qty = fields.Float(digits="Product Unit")
    available_qty = fields.Float(digits="Product Unit")
    missing_qty = fields.Float(digits="Product Unit")

    @api.model
    def _sm_translations(self, render):
        """{language code: ``render(env)``} for every installed language, ``env`` in that language."""
        return {code: render(self.with_context(lang=code).env) for code in installed_langs(self.env)}

    def _sm_store_translations(self, translations):
        """Store each reason's message in every language of ``translations`` (a list, one dict each)."""
        for reason, messages in zip(self, translations, strict=True):
            if messages:
                reason.sudo().update_field_translations("message", messages)
