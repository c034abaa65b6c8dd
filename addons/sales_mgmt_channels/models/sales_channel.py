from odoo import fields, models

CREDENTIAL_GROUPS = "sales_mgmt_channels.group_channel_admin"


class SalesChannel(models.Model):
    """A place where orders come from: the website, a marketplace, a shop, a file."""

    _name = "sales.channel"
    _description = "Sales Channel"
    _inherit = ["mail.thread"]
    _order = "sequence, name"

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    channel_type = fields.Selection(
        [
            ("website", "Website"),
            ("shopify", "Shopify"),
            ("woocommerce", "WooCommerce"),
            ("taobao", "Taobao / Tmall"),
            ("json", "Generic JSON"),
            ("file", "File (CSV / XLSX)"),
        ],
        required=True,
        default="json",
        tracking=True,
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    warehouse_id = fields.Many2one("stock.warehouse", check_company=True)
    pricelist_id = fields.Many2one("product.pricelist", check_company=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", check_company=True)
    user_id = fields.Many2one("res.users", string="Salesperson", domain=[("share", "=", False)])
    prices_include_tax = fields.Boolean(
        help="Prices sent by the channel already include taxes.",
    )
    base_url = fields.Char("API URL", groups=CREDENTIAL_GROUPS)
    api_key = fields.Char("API Key", groups=CREDENTIAL_GROUPS, copy=False)
    api_secret = fields.Char("API Secret", groups=CREDENTIAL_GROUPS, copy=False)
    webhook_secret = fields.Char(groups=CREDENTIAL_GROUPS, copy=False)
    sync_cursor = fields.Char("Last Sync Cursor", readonly=True, copy=False, groups=CREDENTIAL_GROUPS)
    last_sync_date = fields.Datetime("Last Successful Sync", readonly=True, copy=False)

    _name_company_uniq = models.Constraint(
        "unique(name, company_id)", "A channel with this name already exists in this company."
    )
