import base64
import binascii

from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import file_orders


class SalesChannelFileImportWizard(models.TransientModel):
    """Upload a CSV / XLSX file of orders into a file channel: every order of the file is stored
    as an import record first, then imported like any other channel order."""

    _name = "sales.channel.file.import.wizard"
    _description = "Import Channel Orders from a File"

    channel_id = fields.Many2one("sales.channel", required=True, domain=[("channel_type", "=", "file")])
    file = fields.Binary(required=True)
    filename = fields.Char()
    default_currency_id = fields.Many2one(
        "res.currency",
        string="Currency",
        default=lambda self: self.env.company.currency_id,
        help="For files without a currency column.",
    )

    def action_import(self):
        self.ensure_one()
        if not self.env.user.has_group("sales_mgmt_channels.group_channel_import"):
            raise AccessError(self.env._("Importing channel orders needs the Import Orders right."))
        try:
            content = base64.b64decode(self.file or b"")
        except (binascii.Error, ValueError) as error:
            raise UserError(self.env._("The file could not be read.")) from error
        self.channel_id.check_access("read")  # the channel's company must be one of the user's
        channel = self.channel_id.sudo()
        mapping = {column.target: column.column for column in channel.file_column_ids}
        try:
            header, rows = file_orders.read_rows(content, self.filename)
            payloads = file_orders.rows_to_orders(
                header,
                rows,
                mapping,
                defaults={
                    "currency": self.default_currency_id.name,
                    "updated_at": fields.Datetime.now().isoformat(),
                },
            )
        except file_orders.FileError as error:
            raise UserError(error.render(self.env)) from error
        run, records = channel._store_payloads(payloads, "file")
        counts = channel._process_records(records, run=run)
        return {
            "type": "ir.actions.act_window",
            "res_model": "sales.channel.import.run",
            "res_id": counts["run_id"],
            "view_mode": "form",
            "name": self.env._("Import Run"),
        }
