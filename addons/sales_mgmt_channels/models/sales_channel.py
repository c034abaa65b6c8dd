import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.sales_mgmt_core.tools.messages import render

from ..adapters import AdapterError, ChannelConfig, get_adapter
from ..tools.http_client import ChannelHTTPError, HttpClient

_logger = logging.getLogger(__name__)
PULL_TYPES = ("shopify", "woocommerce", "taobao")
JOB_CHANNEL = "root.sales_channel"
#: runs that are pulls: the newest decides the channel's health
PULL_TRIGGERS = ("manual", "cron")

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
    default_tier_id = fields.Many2one(
        "sales.customer.tier",
        string="Default Customer Tier",
        help="Tier of the customers this channel creates, until the tier rules classify them.",
    )
    prices_include_tax = fields.Boolean(
        help="Only for orders that do not say it themselves (normalised JSON and files without "
        "'prices_include_tax'): their prices already include taxes. Shopify, WooCommerce and Taobao "
        "orders say it, and what they say decides.",
    )
    fiscal_position_id = fields.Many2one(
        "account.fiscal.position",
        check_company=True,
        help="Fiscal position of the channel's orders: maps the products' taxes to the channel's.",
    )
    tax_map_ids = fields.One2many(
        "sales.channel.tax.map",
        "channel_id",
        string="Tax Rates",
        help="The channel's tax rates and the Odoo tax each one is. Lines whose channel states their rates "
        "take these taxes; the others take their product's taxes through the fiscal position.",
    )
    use_shop_currency = fields.Boolean(
        "Import in Shop Currency",
        help="Shopify: import every order in the shop's currency (Shopify's conversion, field by field) "
        "instead of the currency the buyer paid. The rounding difference of the conversion is accepted "
        "and noted on the order.",
    )
    fulfilment_mode = fields.Selection(
        [("odoo", "Shipped by this Odoo warehouse"), ("channel", "Shipped outside Odoo")],
        string="Shipping",
        compute="_compute_fulfilment_mode",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        help="Shipped by this Odoo warehouse: the channel's paid orders get a delivery that the warehouse "
        "validates; carrier and tracking number are sent back to the channel. Shipped outside Odoo (the "
        "marketplace's or a partner's warehouse ships): when the channel says an order is shipped, its "
        "delivery is validated with the channel's quantities, carrier and tracking number, and nothing is "
        "sent back. Default: shipped by Odoo for Shopify and WooCommerce (tracking pushed back), outside "
        "Odoo for the other types (Taobao, JSON, files: nothing would tell the channel).",
    )
    base_url = fields.Char("API URL", groups=CREDENTIAL_GROUPS)
    api_key = fields.Char("API Key", groups=CREDENTIAL_GROUPS, copy=False)
    api_secret = fields.Char("API Secret", groups=CREDENTIAL_GROUPS, copy=False)
    access_token = fields.Char(
        groups=CREDENTIAL_GROUPS, copy=False, help="Shopify Admin API access token; Taobao session key."
    )
    webhook_secret = fields.Char(groups=CREDENTIAL_GROUPS, copy=False)
    sync_cursor = fields.Char(
        "Last Sync Cursor",
        copy=False,
        groups=CREDENTIAL_GROUPS,
        help="Channel time (UTC) of the newest order pulled; the next pull starts there (minus a small overlap).",
    )
    last_sync_date = fields.Datetime("Last Successful Sync", readonly=True, copy=False)
    sync_interval = fields.Integer(
        "Pull Every (minutes)", default=0, help="Scheduled pulls of Shopify, WooCommerce and Taobao; 0 = manual only."
    )
    next_sync_date = fields.Datetime("Next Pull", copy=False)
    initial_sync_days = fields.Integer(
        "First Pull (days back)", default=7, help="How far back the first pull goes when there is no cursor yet."
    )
    page_size = fields.Integer(default=50, help="Orders per page asked from the channel.")
    push_fulfilment = fields.Boolean(
        "Push Shipments",
        default=True,
        help="Send carrier and tracking number to Shopify / WooCommerce when a delivery is validated.",
    )
    can_pull = fields.Boolean(compute="_compute_can_pull")
    notify_customers = fields.Boolean(
        "E-mail Buyers",
        help="Send Odoo's order confirmation and shipping e-mails to this channel's buyers. "
        "Marketplaces and shops usually notify their buyers themselves.",
    )

    confirm_in_background = fields.Boolean(
        "Confirm in Background",
        tracking=True,
        help="Paid orders are created at once and confirmed by queue jobs, one per batch: imports and "
        "webhooks answer sooner and Odoo's confirmation (credit and stock checks, deliveries) runs on "
        "the job runner's workers, in parallel across servers. Until then the order is a quotation "
        "marked 'Confirmation Queued'.",
    )

    shipping_product_id = fields.Many2one(
        "product.product",
        domain=[("type", "=", "service")],
        help="Service product of the delivery line for the channel's shipping amounts.",
    )
    identity_ids = fields.One2many("sales.channel.identity", "channel_id", string="Customer Identities")
    product_map_ids = fields.One2many("sales.channel.product.map", "channel_id", string="Product Mappings")
    file_column_ids = fields.One2many("sales.channel.file.column", "channel_id", string="File Columns")
    run_ids = fields.One2many("sales.channel.import.run", "channel_id", string="Import Runs")
    webhook_url = fields.Char(
        "Webhook URL", compute="_compute_webhook_url", help="Where the channel POSTs its orders (signed)."
    )
    failed_import_count = fields.Integer("Failed Imports", compute="_compute_health")
    last_run_date = fields.Datetime("Last Import", compute="_compute_health")
    last_error = fields.Char(compute="_compute_health", help="The last failed pull or import error.")
    health_state = fields.Selection(
        [("ok", "Healthy"), ("warning", "Failed Imports"), ("error", "Last Pull Failed"), ("none", "No Import Yet")],
        string="Health",
        compute="_compute_health",
    )

    _name_company_uniq = models.Constraint(
        "unique(name, company_id)", "A channel with this name already exists in this company."
    )
    _sync_interval_positive = models.Constraint("CHECK(sync_interval >= 0)", "The pull interval cannot be negative.")
    _page_size_range = models.Constraint(
        "CHECK(page_size BETWEEN 1 AND 250)", "The page size must be between 1 and 250."
    )

    @api.depends("channel_type")
    def _compute_fulfilment_mode(self):
        """Shipped by Odoo where Odoo can tell the channel (push-back); elsewhere Odoo's delivery would
        stay open for what the channel ships."""
        for channel in self:
            channel.fulfilment_mode = "odoo" if get_adapter(channel.channel_type).can_push_fulfilment else "channel"

    @api.depends("channel_type")
    def _compute_can_pull(self):
        for channel in self:
            channel.can_pull = channel.channel_type in PULL_TYPES

    def _compute_webhook_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for channel in self:
            channel.webhook_url = f"{base}/sales_mgmt/channel/{channel.id}/orders" if channel.id else False

    @api.depends_context("lang")  # last_error: the run's error in the reader's language
    def _compute_health(self):
        """Last import and last error from the runs; failed records waiting for a retry. The last error
        is the newest pull's (Shopify, WooCommerce, Taobao) or, for channels that send their orders, the
        newest run's: a later run that went well clears it."""
        Record = self.env["sales.channel.import.record"].sudo()
        Run = self.env["sales.channel.import.run"].sudo()
        failed = dict(
            Record._read_group([("channel_id", "in", self.ids), ("state", "=", "failed")], ["channel_id"], ["__count"])
        )
        for channel in self:
            last = Run.search([("channel_id", "=", channel.id)], limit=1) if channel.id else Run
            decisive = last
            if channel.id and channel.can_pull:
                decisive = Run.search([("channel_id", "=", channel.id), ("trigger", "in", PULL_TRIGGERS)], limit=1)
            channel.failed_import_count = failed.get(channel._origin, 0)
            channel.last_run_date = last.date_start
            broken = decisive.state in ("failed", "interrupted")
            channel.last_error = (broken and decisive.error_summary) or False
            if not last:
                channel.health_state = "none"
            elif broken:
                channel.health_state = "error"
            elif channel.failed_import_count:
                channel.health_state = "warning"
            else:
                channel.health_state = "ok"

    def action_view_failed_imports(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sales.channel.import.record",
            "view_mode": "list,kanban,form",
            "mobile_view_mode": "kanban",
            "domain": [("channel_id", "=", self.id), ("state", "=", "failed")],
            "name": self.env._("Failed Imports of %s", self.name),
        }

    def action_test_connection(self):
        """Ask the channel with the stored credentials (Channel Administrators)."""
        self.ensure_one()
        if not self.env.user.has_group(CREDENTIAL_GROUPS):
            raise AccessError(self.env._("Only channel administrators can test a channel's connection."))
        if not self.can_pull:
            raise UserError(self.env._("%s channels send their orders; there is no connection to test.", self.name))
        adapter = self._adapter()
        try:
            with adapter.client:
                message = adapter.test_connection()
        except (ChannelHTTPError, AdapterError) as error:
            raise UserError(
                self.env._(
                    "The connection to %(channel)s failed: %(error)s", channel=self.name, error=render(error, self.env)
                )
            ) from error
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Connection to %s works", self.name),
                "message": render(message, self.env),
                "type": "success",
                "sticky": False,
            },
        }

    # ------------------------------------------------------------------
    # Files, pulls from Shopify, WooCommerce and Taobao, queue jobs
    # ------------------------------------------------------------------

    def action_open_file_import(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sales.channel.file.import.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_channel_id": self.id},
            "name": self.env._("Import Orders from a File"),
        }

    def _adapter(self, client=None):
        """The channel's adapter with its credentials (read as superuser, never logged)."""
        self.ensure_one()
        config = self._adapter_config()
        return get_adapter(self.channel_type)(config, client or HttpClient(secrets=config.secrets))

    def _adapter_config(self, with_secrets=True):
        """The adapter's configuration; credentials read as superuser, only when asked."""
        self.ensure_one()
        channel = self.sudo()
        config = ChannelConfig(page_size=channel.page_size or 50, use_shop_currency=channel.use_shop_currency)
        if with_secrets:
            config.base_url = channel.base_url or ""
            config.api_key = channel.api_key or ""
            config.api_secret = channel.api_secret or ""
            config.access_token = channel.access_token or ""
        return config

    def action_sync(self):
        """Pull new and changed orders now (Channel Administrators)."""
        if not self.env.user.has_group("sales_mgmt_channels.group_channel_admin"):
            raise AccessError(self.env._("Only channel administrators can pull orders."))
        runs = self.env["sales.channel.import.run"]
        for channel in self:
            if not channel.can_pull:
                raise UserError(self.env._("%s channels send their orders; there is nothing to pull.", channel.name))
            runs |= channel.sudo()._sync("manual")
        return {
            "type": "ir.actions.act_window",
            "res_model": "sales.channel.import.run",
            "view_mode": "list,kanban,form",
            "mobile_view_mode": "kanban",
            "domain": [("id", "in", runs.ids)],
            "name": self.env._("Import Runs"),
        }

    def _responsible_user(self, order=None):
        """Who gets the channel's activities: the order's salesperson, the channel's, the administrator."""
        return (order and order.user_id) or self.user_id or self.env.ref("base.user_admin")
