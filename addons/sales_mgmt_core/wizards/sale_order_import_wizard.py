import base64
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import order_import
from ..tools.messages import render


class SaleOrderImportWizard(models.TransientModel):
    """Bulk order import from a CSV or XLSX sheet: check everything, preview, then create."""

    _name = "sale.order.import.wizard"
    _description = "Import Sales Orders"

    file = fields.Binary(required=True)
    filename = fields.Char()
    state = fields.Selection([("upload", "Upload"), ("preview", "Preview"), ("done", "Done")], default="upload")
    confirm_orders = fields.Boolean(
        default=True,
        help="Confirm the created orders; the credit and stock checks apply as for any confirmation.",
    )
    line_ids = fields.One2many("sale.order.import.line", "wizard_id")
    error_line_ids = fields.One2many("sale.order.import.line", "wizard_id", domain=[("error", "!=", False)])
    file_error = fields.Text(readonly=True)
    line_count = fields.Integer(compute="_compute_counts")
    error_count = fields.Integer(compute="_compute_counts")
    order_count = fields.Integer(compute="_compute_counts")
    order_ids = fields.Many2many("sale.order", readonly=True)

    @api.depends("line_ids.error", "line_ids.order_ref")
    def _compute_counts(self):
        for wizard in self:
            wizard.line_count = len(wizard.line_ids)
            wizard.error_count = len(wizard.line_ids.filtered("error")) + (1 if wizard.file_error else 0)
            wizard.order_count = len(set(wizard.line_ids.mapped("order_ref")))

    # ------------------------------------------------------------------ actions
    def action_download_template(self):
        return {
            "type": "ir.actions.act_url",
            "url": "/sales_mgmt_core/static/templates/sale_order_import_template.csv",
            "target": "download",
        }

    def action_validate(self):
        """Read and check the whole file; show every problem by row. Creates nothing."""
        self.ensure_one()
        self.line_ids.unlink()
        self.file_error = False
        try:
            header, raw_rows = order_import.read_sheet(base64.b64decode(self.file or b""), self.filename)
        except order_import.SheetError as e:
            self.write({"file_error": e.render(self.env), "state": "preview"})
            return self._reopen()
        precision = self.env["decimal.precision"]
        digits = {
            "quantity": precision.precision_get("Product Unit"),
            "price_unit": precision.precision_get("Product Price"),
        }
        # numbers with more decimals than Odoo keeps are refused rather than rounded
        rows = order_import.check_rows(header, raw_rows, digits=digits)
        self._resolve(rows)
        self.env["sale.order.import.line"].create([self._prepare_line(row) for row in rows])
        self.state = "preview"
        return self._reopen()

    def action_import(self):
        self.ensure_one()
        if self.state != "preview" or self.error_count or not self.line_ids:
            raise UserError(self.env._("Fix the errors of the file and validate it again before importing."))
        # The file may have changed since validation: check again, atomically with the creation.
        self.action_validate()
        if self.error_count:
            raise UserError(self.env._("The file has errors: see the preview."))
        orders = self.env["sale.order"].create(self._prepare_orders())
        if self.confirm_orders:
            orders.action_confirm()
        self.write({"order_ids": [fields.Command.set(orders.ids)], "state": "done"})
        body = self.env._("Imported from %(file)s.", file=self.filename or "-")
        orders._message_log_batch(bodies=dict.fromkeys(orders.ids, body))
        return self._reopen()

    def action_view_orders(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_orders")
        action["domain"] = [("id", "in", self.order_ids.ids)]
        return action

    def action_back(self):
        self.write({"state": "upload"})
        return self._reopen()

    # ------------------------------------------------------------------ helpers
    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Import Sales Orders"),
        }

    def _resolve(self, rows):
        """Customers and products of all rows with one search each; duplicates of earlier imports."""
        company = self.env.company
        customers = {r.values["customer"] for r in rows if r.values.get("customer")}
        products = {r.values["product"] for r in rows if r.values.get("product")}
        refs = {r.values["order_ref"] for r in rows if r.values.get("order_ref")}
        partner_map = defaultdict(set)
        if customers:
            partners = self.env["res.partner"].search(
                [
                    "|",
                    "|",
                    ("ref", "in", list(customers)),
                    ("email", "in", list(customers)),
                    ("name", "in", list(customers)),
                    ("company_id", "in", [company.id, False]),
                ]
            )
            for partner in partners:
                for key in (partner.ref, partner.email, partner.name):
                    if key in customers:
                        partner_map[key].add(partner.id)
        product_map = defaultdict(set)
        if products:
            found = self.env["product.product"].search(
                [
                    "|",
                    ("default_code", "in", list(products)),
                    ("barcode", "in", list(products)),
                    ("sale_ok", "=", True),
                    ("company_id", "in", [company.id, False]),
                ]
            )
            for product in found:
                for key in (product.default_code, product.barcode):
                    if key in products:
                        product_map[key].add(product.id)
        existing = set()
        if refs:
            existing = set(
                self.env["sale.order"]
                .sudo()
                .search([("company_id", "=", company.id), ("sm_import_ref", "in", list(refs))])
                .mapped("sm_import_ref")
            )
        for row in rows:
            customer, product, ref = (row.values.get(k) for k in ("customer", "product", "order_ref"))
            if customer:
                ids = partner_map.get(customer, set())
                if not ids:
                    row.errors.append(
                        self.env._(
                            "Unknown customer '%(customer)s' (use its internal reference, e-mail or exact name).",
                            customer=customer,
                        )
                    )
                elif len(ids) > 1:
                    row.errors.append(
                        self.env._(
                            "Customer '%(customer)s' matches %(count)s contacts: use the internal reference.",
                            customer=customer,
                            count=len(ids),
                        )
                    )
                else:
                    row.values["partner_id"] = next(iter(ids))
            if product:
                ids = product_map.get(product, set())
                if not ids:
                    row.errors.append(self.env._("Unknown product SKU or barcode '%(product)s'.", product=product))
                elif len(ids) > 1:
                    row.errors.append(
                        self.env._("SKU '%(product)s' matches %(count)s products.", product=product, count=len(ids))
                    )
                else:
                    row.values["product_id"] = next(iter(ids))
            if ref in existing:
                row.errors.append(self.env._("Order %(ref)s was already imported.", ref=ref))

    @api.model
    def _prepare_line(self, row):
        values = row.values
        return {
            "wizard_id": self.id,
            "row": row.number,
            "order_ref": str(values.get("order_ref") or "")[:64],
            "customer": str(values.get("customer") or "")[:128],
            "product": str(values.get("product") or "")[:128],
            "quantity": values.get("quantity") if isinstance(values.get("quantity"), float) else 0.0,
            "price_unit": values.get("price_unit") if isinstance(values.get("price_unit"), float) else 0.0,
            "has_price": isinstance(values.get("price_unit"), float),
            "has_quantity": isinstance(values.get("quantity"), float),
            "date_order": values.get("date_order") or False,
            "commitment_date": values.get("commitment_date") or False,
            "partner_id": values.get("partner_id", False),
            "product_id": values.get("product_id", False),
            "note": str(values.get("note") or "")[:1000] or False,
            # the sheet's messages are lazy translations: in the user's language
            "error": "\n".join(render(error, self.env) for error in row.errors) or False,
        }

    def _prepare_orders(self):
        """sale.order values, one per order reference, lines in file order."""
        orders = {}
        for line in self.line_ids.sorted("row"):
            vals = orders.setdefault(
                line.order_ref,
                {
                    "partner_id": line.partner_id.id,
                    "sm_import_ref": line.order_ref,
                    "company_id": self.env.company.id,
                    "order_line": [],
                },
            )
            if line.date_order:
                vals["date_order"] = line.date_order
            if line.commitment_date:
                vals["commitment_date"] = line.commitment_date
            if line.note:
                vals["note"] = Markup("<p>%s</p>") % line.note
            line_vals = {"product_id": line.product_id.id, "product_uom_qty": line.quantity}
            if line.has_price:
                line_vals["price_unit"] = line.price_unit
            vals["order_line"].append(fields.Command.create(line_vals))
        return list(orders.values())


class SaleOrderImportLine(models.TransientModel):
    _name = "sale.order.import.line"
    _description = "Import Sales Orders: line preview"
    _order = "row"

    wizard_id = fields.Many2one("sale.order.import.wizard", required=True, ondelete="cascade", index=True)
    row = fields.Integer(required=True)
    order_ref = fields.Char()
    customer = fields.Char("Customer (file)")
    product = fields.Char("SKU / Barcode (file)")
    quantity = fields.Float(digits="Product Unit")
    price_unit = fields.Float(digits="Product Price")
    has_price = fields.Boolean()
    has_quantity = fields.Boolean()
    date_order = fields.Datetime()
    commitment_date = fields.Datetime()
    note = fields.Text()
    partner_id = fields.Many2one("res.partner")
    product_id = fields.Many2one("product.product")
    error = fields.Text()
