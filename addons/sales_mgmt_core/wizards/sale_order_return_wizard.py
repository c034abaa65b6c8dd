from odoo import api, fields, models
from odoo.exceptions import UserError


class SaleOrderReturnWizard(models.TransientModel):
    """After-sales return of an order: Odoo's own return picking, optionally a draft credit
    note for the returned quantities, linked to the customer's complaint."""

    _name = "sale.order.return.wizard"
    _description = "Return Request"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    picking_id = fields.Many2one(
        "stock.picking",
        "Delivery to Return",
        required=True,
        domain="[('sale_id', '=', order_id), ('state', '=', 'done'), ('picking_type_code', '=', 'outgoing')]",
    )
    line_ids = fields.One2many(
        "sale.order.return.wizard.line", "wizard_id", compute="_compute_line_ids", store=True, readonly=False
    )
    reason = fields.Char(required=True)
    create_credit_note = fields.Boolean(help="Also prepare a draft credit note for the returned quantities.")
    complaint_id = fields.Many2one("sales.complaint", domain="[('order_id', '=', order_id)]")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        order = self.env["sale.order"].browse(values.get("order_id") or self.env.context.get("default_order_id"))
        if order:
            done = order.picking_ids.filtered(lambda p: p.state == "done" and p.picking_type_code == "outgoing")
            if not done:
                raise UserError(self.env._("%(order)s has no validated delivery to return.", order=order.name))
            values.setdefault("picking_id", done.sorted("date_done")[-1:].id)
            values.setdefault("complaint_id", order.complaint_ids.filtered(lambda c: not c.is_closed)[:1].id)
        return values

    @api.depends("picking_id")
    def _compute_line_ids(self):
        for wizard in self:
            wizard.line_ids = [fields.Command.clear()] + [
                fields.Command.create(
                    {
                        "move_id": move.id,
                        "product_id": move.product_id.id,
                        "quantity": 0.0,
                        "max_quantity": move.quantity,
                    }
                )
                for move in wizard.picking_id.move_ids.filtered(lambda m: m.state == "done" and m.quantity)
            ]

    def action_create_return(self):
        self.ensure_one()
        wanted = {line.move_id.id: line for line in self.line_ids if line.quantity}
        if not wanted:
            raise UserError(self.env._("Enter the quantity to return on at least one line."))
        for line in wanted.values():
            if line.quantity > line.max_quantity:
                raise UserError(
                    self.env._(
                        "%(product)s: %(qty)s cannot be returned, only %(max)s were delivered.",
                        product=line.product_id.display_name,
                        qty=line.quantity,
                        max=line.max_quantity,
                    )
                )
        # Salespeople request returns; the warehouse receives them and accounting posts the
        # credit note: both documents are created on their behalf, waiting / in draft.
        self.order_id.check_access("write")
        stock_return = self.env["stock.return.picking"].sudo().create({"picking_id": self.picking_id.id})
        for return_line in stock_return.product_return_moves:
            line = wanted.get(return_line.move_id.id)
            return_line.quantity = line.quantity if line else 0.0
        return_picking = stock_return._create_return()
        credit_note = self._create_credit_note(wanted.values()) if self.create_credit_note else self.env["account.move"]
        body = self.env._("Return %(picking)s created: %(reason)s", picking=return_picking.name, reason=self.reason)
        self.order_id.message_post(body=body)
        if self.complaint_id:
            self.complaint_id.write(
                {
                    "return_picking_id": return_picking.id,
                    "credit_note_id": credit_note.id or self.complaint_id.credit_note_id.id,
                    "state": "in_progress" if self.complaint_id.state == "new" else self.complaint_id.state,
                }
            )
            self.complaint_id.message_post(body=body)
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.picking",
            "res_id": return_picking.id,
            "view_mode": "form",
        }

    def _create_credit_note(self, lines):
        order = self.order_id
        invoice_lines = []
        for line in lines:
            sale_line = line.move_id.sale_line_id
            if not sale_line:
                continue
            # the return is counted in the move's unit, the price is per sale line unit
            quantity = line.move_id.product_uom._compute_quantity(line.quantity, sale_line.product_uom_id)
            invoice_lines.append(
                fields.Command.create(
                    {
                        "product_id": sale_line.product_id.id,
                        "quantity": quantity,
                        "product_uom_id": sale_line.product_uom_id.id,
                        "price_unit": sale_line.price_unit,
                        "discount": sale_line.discount,
                        "tax_ids": [fields.Command.set(sale_line.tax_ids.ids)],
                        "sale_line_ids": [fields.Command.link(sale_line.id)],
                    }
                )
            )
        if not invoice_lines:
            return self.env["account.move"]
        credit_note = (
            self.env["account.move"]
            .sudo()
            .create(
                {
                    "move_type": "out_refund",
                    "partner_id": order.partner_invoice_id.id,
                    "currency_id": order.currency_id.id,
                    "invoice_origin": order.name,
                    "ref": self.env._("Return of %(order)s: %(reason)s", order=order.name, reason=self.reason),
                    "invoice_line_ids": invoice_lines,
                }
            )
        )
        return credit_note


class SaleOrderReturnWizardLine(models.TransientModel):
    _name = "sale.order.return.wizard.line"
    _description = "Return Request Line"

    wizard_id = fields.Many2one("sale.order.return.wizard", required=True, ondelete="cascade")
    move_id = fields.Many2one("stock.move", required=True)
    product_id = fields.Many2one("product.product", required=True)
    max_quantity = fields.Float("Delivered", digits="Product Unit", readonly=True)
    quantity = fields.Float("To Return", digits="Product Unit")
