import base64
import io

import xlsxwriter

from odoo import api, fields, models


class SalesInventoryCost(models.Model):
    """Landed cost per unit of each stocked product: Odoo's valuation plus the company's
    storage and transport cost rates. A snapshot, refreshed on demand or nightly."""

    _name = "sales.inventory.cost"
    _description = "Inventory Cost"
    _order = "landed_value desc"

    product_id = fields.Many2one("product.product", required=True, readonly=True, index=True, ondelete="cascade")
    categ_id = fields.Many2one(related="product_id.categ_id", store=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    quantity = fields.Float("On Hand", digits="Product Unit", readonly=True)
    unit_cost = fields.Monetary(readonly=True, aggregator="avg")
    valuation = fields.Monetary("Stock Valuation", readonly=True)
    storage_cost_unit = fields.Monetary("Storage / Unit", readonly=True, aggregator="avg")
    transport_cost_unit = fields.Monetary("Transport / Unit", readonly=True, aggregator="avg")
    landed_cost_unit = fields.Monetary("Landed Cost / Unit", readonly=True, aggregator="avg")
    landed_value = fields.Monetary(readonly=True)
    date = fields.Datetime("Computed On", readonly=True)

    @api.depends("product_id")
    def _compute_display_name(self):
        for row in self:
            row.display_name = self.env._("Inventory cost of %s", row.product_id.display_name or "")

    @api.model
    def action_refresh(self):
        """Rebuild the snapshot of the current company: one row per storable product in stock."""
        company = self.env.company
        self.search([("company_id", "=", company.id)]).unlink()
        products = (
            self.env["product.product"]
            .with_company(company)
            .search([("is_storable", "=", True), ("qty_available", "!=", 0)])
        )
        storage_rate = company.sm_storage_cost_rate / 100.0
        transport_rate = company.sm_transport_cost_rate / 100.0
        now = fields.Datetime.now()
        vals_list = []
        for product in products:
            quantity = product.qty_available
            valuation = product.total_value
            unit_cost = valuation / quantity if quantity else product.standard_price
            storage, transport = unit_cost * storage_rate, unit_cost * transport_rate
            landed = unit_cost + storage + transport
            vals_list.append(
                {
                    "product_id": product.id,
                    "company_id": company.id,
                    "quantity": quantity,
                    "unit_cost": unit_cost,
                    "valuation": valuation,
                    "storage_cost_unit": storage,
                    "transport_cost_unit": transport,
                    "landed_cost_unit": landed,
                    "landed_value": landed * quantity,
                    "date": now,
                }
            )
        self.create(vals_list)
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_mgmt_core.sales_inventory_cost_action")
        return action

    @api.model
    def _cron_refresh(self):
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            self.with_company(company).action_refresh()

    def action_export_xlsx(self):
        """Typed XLSX of the rows (all of the company's when called without records)."""
        rows = self or self.search([("company_id", "=", self.env.company.id)])
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"inventory_cost_{fields.Date.today()}.xlsx",
                "datas": base64.b64encode(self._xlsx(rows)),
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "res_model": self._name,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }

    def _xlsx(self, rows):
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
        sheet = workbook.add_worksheet(self.env._("Inventory Cost"))
        currency = self.env.company.currency_id
        money = workbook.add_format({"num_format": f'#,##0.{"0" * currency.decimal_places} "{currency.symbol}"'})
        qty = workbook.add_format({"num_format": "#,##0.00"})
        bold = workbook.add_format({"bold": True})
        headers = [
            self.env._("Product"),
            self.env._("Category"),
            self.env._("On Hand"),
            self.env._("Unit Cost"),
            self.env._("Stock Valuation"),
            self.env._("Storage / Unit"),
            self.env._("Transport / Unit"),
            self.env._("Landed Cost / Unit"),
            self.env._("Landed Value"),
        ]
        for col, header in enumerate(headers):
            sheet.write_string(0, col, header, bold)
        for index, row in enumerate(rows, start=1):
            sheet.write_string(index, 0, row.product_id.display_name or "")
            sheet.write_string(index, 1, row.categ_id.complete_name or "")
            sheet.write_number(index, 2, row.quantity, qty)
            for col, value in enumerate(
                (
                    row.unit_cost,
                    row.valuation,
                    row.storage_cost_unit,
                    row.transport_cost_unit,
                    row.landed_cost_unit,
                    row.landed_value,
                ),
                start=3,
            ):
                sheet.write_number(index, col, value, money)
        sheet.set_column(0, 1, 30)
        sheet.set_column(2, 8, 16)
        workbook.close()
        return buffer.getvalue()
