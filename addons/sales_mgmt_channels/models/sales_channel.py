import logging
from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.queue_job.job import identity_exact

from ..adapters import AdapterError, ChannelConfig, get_adapter
from ..tools import normalise
from ..tools.http_client import ChannelHTTPError, HttpClient

_logger = logging.getLogger(__name__)
PULL_TYPES = ("shopify", "woocommerce", "taobao")
JOB_CHANNEL = "root.sales_channel"

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

    _name_company_uniq = models.Constraint(
        "unique(name, company_id)", "A channel with this name already exists in this company."
    )
    _sync_interval_positive = models.Constraint("CHECK(sync_interval >= 0)", "The pull interval cannot be negative.")
    _page_size_range = models.Constraint(
        "CHECK(page_size BETWEEN 1 AND 250)", "The page size must be between 1 and 250."
    )

    @api.depends("channel_type")
    def _compute_can_pull(self):
        for channel in self:
            channel.can_pull = channel.channel_type in PULL_TYPES

    # ------------------------------------------------------------------
    # Import pipeline shared by every adapter: store raw → normalise → match → upsert
    # ------------------------------------------------------------------

    shipping_product_id = fields.Many2one(
        "product.product",
        domain=[("type", "=", "service")],
        help="Service product of the delivery line for the channel's shipping amounts.",
    )
    identity_ids = fields.One2many("sales.channel.identity", "channel_id", string="Customer Identities")
    product_map_ids = fields.One2many("sales.channel.product.map", "channel_id", string="Product Mappings")
    file_column_ids = fields.One2many("sales.channel.file.column", "channel_id", string="File Columns")

    def import_orders(self, payloads):
        """Import normalised orders (a list of objects or JSON strings; see the README).

        Every payload is stored first as an import record, then processed on its own: a bad
        one fails with its error, the others go on. Returns the run's counts. Needs the
        "Import Orders" right; callable over XML-RPC and JSON-2.
        """
        self.ensure_one()
        if not self.env.user.has_group("sales_mgmt_channels.group_channel_import"):
            raise AccessError(self.env._("Importing channel orders needs the Import Orders right."))
        if not isinstance(payloads, list):
            raise UserError(self.env._("import_orders takes a list of orders."))
        channel = self.sudo()
        run, records = channel._store_payloads(payloads, "api")
        return channel._process_records(records, run=run)

    def _process_records(self, records, run=None, trigger="retry", close=True):
        """Import stored records one by one, each in a savepoint; returns the counts.

        Bad input fails the record with its error and the others go on. Serialization failures
        (a concurrent import of the same order or customer) are not caught: the whole call is
        retried by Odoo or queue_job.
        """
        self.ensure_one()
        channel = self.sudo()
        run = run or channel.env["sales.channel.import.run"].create({"channel_id": channel.id, "trigger": trigger})
        counts = {"received": len(records), "done": 0, "skipped": 0, "failed": 0}
        for record in records.sudo():
            record.run_id = run
            try:
                with channel.env.cr.savepoint():
                    state, order, message = channel._import_record(record)
            except (UserError, ValidationError, normalise.PayloadError) as error:
                state, order, message = "failed", None, str(error)
            except IntegrityError as error:
                # Another transaction imported the same order or identity at the same time.
                state, order, message = "failed", None, self.env._("Imported concurrently, retry: %s", error.pgerror)
            record.write(
                {
                    "state": state,
                    "order_id": order.id if order else record.order_id.id,
                    "error": message if state == "failed" else False,
                    "attempts": record.attempts + 1,
                }
            )
            counts[state] += 1
        counts["run_id"] = run.id
        if not close:
            return counts
        run.write(
            {
                "date_end": fields.Datetime.now(),
                "received_count": counts["received"],
                "done_count": counts["done"],
                "skipped_count": counts["skipped"],
                "failed_count": counts["failed"],
                "state": "done",
            }
        )
        return counts

    def _import_record(self, record):
        """(state, order, message) for one stored record; raises on bad input (rolled back)."""
        raw = normalise.loads(record.payload)
        if record.source_format and record.source_format != "normalised":
            try:
                raw = get_adapter(record.source_format)(ChannelConfig(), None).normalise(raw)
            except (AttributeError, TypeError, ValueError, KeyError) as error:
                raise normalise.PayloadError([f"unreadable {record.source_format} order: {error}"]) from error
        data = normalise.parse_order(raw, prices_include_tax=self.prices_include_tax)
        record.write({"external_ref": data.ref, "channel_updated_at": data.updated_at})
        self._lock_import_keys(data)
        Order = self.env["sale.order"].with_company(self.company_id)
        order = Order.search([("channel_id", "=", self.id), ("channel_order_ref", "=", data.ref)], limit=1)
        if order:
            if order.sm_channel_updated_at and data.updated_at <= order.sm_channel_updated_at:
                return "skipped", order, self.env._("Not newer than the imported version.")
            self._update_order(order, data)
            return "done", order, False
        order = Order.create(self._prepare_order(data))
        self._check_total(order, data)
        self._apply_status(order, data)
        return "done", order, False

    def _import_lock_keys(self, data):
        """What two concurrent imports must not create twice: the order, the buyer identity and
        the partner found by e-mail or phone."""
        keys = [f"order:{self.id}:{data.ref}"]
        customer = data.customer
        if customer.ref:
            keys.append(f"buyer:{self.id}:{customer.ref}")
        if customer.email:
            keys.append(f"email:{customer.email}")
        if customer.phone:
            keys.append(f"phone:{''.join(c for c in customer.phone if c.isdigit())}")
        return sorted(set(keys))

    def _lock_import_keys(self, data):
        """Serialise imports that touch the same order or customer, across transactions and servers.

        Each key is a row of ``sales_channel_import_lock`` written with INSERT ... ON CONFLICT DO
        UPDATE: a second transaction waits for the first; once the first commits, the second (in
        Odoo's REPEATABLE READ) fails with a serialization error and is retried as a whole by Odoo
        (RPC, HTTP) or queue_job, then sees the first one's order and customer. Keys are sorted, so
        two imports never wait for each other in a cycle.
        """
        keys = self._import_lock_keys(data)
        self.env.cr.execute(
            SQL(
                "INSERT INTO sales_channel_import_lock (key, locked_at) SELECT k, now() FROM unnest(%s::varchar[]) k "
                "ON CONFLICT (key) DO UPDATE SET locked_at = EXCLUDED.locked_at",
                keys,
            )
        )

    def init(self):
        result = super().init()
        self.env.cr.execute(
            SQL(
                "CREATE TABLE IF NOT EXISTS sales_channel_import_lock "
                "(key varchar PRIMARY KEY, locked_at timestamp NOT NULL DEFAULT now())"
            )
        )
        return result

    def _prepare_order(self, data):
        currency = self.env["res.currency"].with_context(active_test=False).search([("name", "=", data.currency)])
        if not currency or not currency.active:
            raise UserError(self.env._("Unknown or inactive currency %s.", data.currency))
        pricelist = self.pricelist_id
        if not pricelist or pricelist.currency_id != currency:
            pricelist = self.env["product.pricelist"].search(
                [("currency_id", "=", currency.id), ("company_id", "in", [False, self.company_id.id])], limit=1
            )
        if not pricelist and currency != self.company_id.currency_id:
            raise UserError(self.env._("No pricelist in %s for the channel's orders.", data.currency))
        partner = self._match_customer(data)
        shipping_partner = self._delivery_address(partner, data.shipping_address) if data.shipping_address else partner
        vals = {
            "partner_id": partner.id,
            "partner_shipping_id": shipping_partner.id,
            "company_id": self.company_id.id,
            "channel_id": self.id,
            "channel_order_ref": data.ref,
            "sm_channel_updated_at": data.updated_at,
            "note": data.note,
            "order_line": self._prepare_lines(data),
        }
        # Unset channel settings leave Odoo's defaults (the partner's pricelist, the company's warehouse...).
        for fname, value in (
            ("pricelist_id", pricelist),
            ("warehouse_id", self.warehouse_id),
            ("team_id", self.team_id),
            ("user_id", self.user_id),
        ):
            if value:
                vals[fname] = value.id
        return vals

    def _prepare_lines(self, data):
        lines = []
        for line in data.lines:
            product = self._map_product(line.sku)
            gross = line.quantity * line.unit_price
            discount = float(line.discount / gross * 100) if gross else 0.0
            lines.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "name": line.name or product.display_name,
                        "product_uom_qty": float(line.quantity),
                        "price_unit": float(line.unit_price),
                        "discount": discount,
                        "channel_line_ref": line.ref,
                    }
                )
            )
        if data.shipping:
            if not self.shipping_product_id:
                raise UserError(self.env._("The order has shipping costs: set the channel's shipping product."))
            lines.append(
                Command.create(
                    {
                        "product_id": self.shipping_product_id.id,
                        "product_uom_qty": 1,
                        "price_unit": float(data.shipping),
                        "channel_line_ref": "shipping",
                    }
                )
            )
        return lines

    def _map_product(self, sku):
        mapping = self.env["sales.channel.product.map"].search(
            [("channel_id", "=", self.id), ("sku", "=", sku)], limit=1
        )
        if mapping:
            return mapping.product_id
        Product = self.env["product.product"].with_company(self.company_id)
        product = Product.search([("default_code", "=", sku)], limit=2) or Product.search(
            [("barcode", "=", sku)], limit=2
        )
        if len(product) > 1:
            raise UserError(self.env._("SKU %s matches several products: map it on the channel.", sku))
        if not product:
            raise UserError(self.env._("Unknown SKU %s: map it to a product on the channel, then retry.", sku))
        return product

    def _match_customer(self, data):
        """Channel identity → normalised e-mail → E.164 phone → new customer; the identity is recorded."""
        customer = data.customer
        Partner = self.env["res.partner"].with_context(active_test=False)
        Identity = self.env["sales.channel.identity"]
        partner = Partner
        if customer.ref:
            partner = Identity.search([("channel_id", "=", self.id), ("buyer_ref", "=", customer.ref)]).partner_id
        country = self._country(customer.address.country_code)
        if not partner and customer.email:
            partner = Partner.search([("email_normalized", "=", customer.email), ("type", "=", "contact")], limit=1)
        if not partner and customer.phone:
            sanitized = Partner._phone_format(number=customer.phone, country=country or self.company_id.country_id)
            if sanitized:
                partner = Partner.search([("phone_sanitized", "=", sanitized), ("type", "=", "contact")], limit=1)
        if not partner:
            partner = Partner.create(self._prepare_partner(customer, country))
        partner = partner.commercial_partner_id if partner.type != "contact" else partner
        if customer.ref and not Identity.search_count([("channel_id", "=", self.id), ("buyer_ref", "=", customer.ref)]):
            Identity.create({"channel_id": self.id, "buyer_ref": customer.ref, "partner_id": partner.id})
        return partner

    def _address_values(self, address, country):
        return {
            "street": address.street or False,
            "street2": address.street2 or False,
            "city": address.city or False,
            "zip": address.zip or False,
            "country_id": country.id or False,
            "state_id": self._state(country, address.state_code).id or False,
        }

    def _prepare_partner(self, customer, country):
        return {
            "name": customer.name,
            "email": customer.email or False,
            "phone": customer.phone or False,
            **self._address_values(customer.address, country),
            "customer_rank": 1,
            "company_id": False,
        }

    def _delivery_address(self, partner, address):
        """The customer's delivery contact for ``address``, created once."""
        Partner = self.env["res.partner"]
        country = self._country(address.country_code)
        domain = [
            ("parent_id", "=", partner.id),
            ("type", "=", "delivery"),
            ("street", "=ilike", address.street or False),
            ("zip", "=", address.zip or False),
            ("city", "=ilike", address.city or False),
            ("name", "=ilike", address.name or False),
        ]
        existing = Partner.search(domain, limit=1)
        if existing:
            return existing
        return Partner.create(
            {
                "parent_id": partner.id,
                "type": "delivery",
                "name": address.name or False,
                "phone": address.phone or False,
                **self._address_values(address, country),
            }
        )

    def _country(self, code):
        if not code:
            return self.env["res.country"]
        return self.env["res.country"].search([("code", "=", code.upper())], limit=1)

    def _state(self, country, code):
        if not country or not code:
            return self.env["res.country.state"]
        return self.env["res.country.state"].search([("country_id", "=", country.id), ("code", "=", code)], limit=1)

    def _check_total(self, order, data):
        expected = float(data.total)
        if order.currency_id.compare_amounts(order.amount_total, expected):
            raise UserError(
                self.env._(
                    "Total %(channel)s in the channel, %(odoo)s in Odoo (difference %(diff)s): check taxes, "
                    "discounts and the channel's tax setting.",
                    channel=expected,
                    odoo=order.amount_total,
                    diff=round(order.amount_total - expected, 2),
                )
            )

    def _apply_status(self, order, data):
        if data.status == "paid" and order.state in ("draft", "sent"):
            order.action_confirm()
        elif data.status in ("cancelled", "refunded") and order.state != "cancel":
            order._action_cancel()

    def _update_order(self, order, data):
        """A newer version of an imported order: lines while still a quotation, then the status."""
        if order.state in ("draft", "sent"):
            order.order_line.unlink()
            order.write({"order_line": self._prepare_lines(data), "sm_channel_updated_at": data.updated_at})
            self._check_total(order, data)
        else:
            order.sm_channel_updated_at = data.updated_at
        self._apply_status(order, data)

    def _store_payloads(self, payloads, trigger):
        """Store received payloads as pending import records of a new run; returns (run, records)."""
        self.ensure_one()
        run = self.env["sales.channel.import.run"].create({"channel_id": self.id, "trigger": trigger})
        Record = self.env["sales.channel.import.record"]
        return run, Record.create([Record._prepare_values(self, p, run) for p in payloads])

    # ------------------------------------------------------------------
    # Pulls from Shopify, WooCommerce and Taobao
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
        channel = self.sudo()
        config = ChannelConfig(
            base_url=channel.base_url or "",
            api_key=channel.api_key or "",
            api_secret=channel.api_secret or "",
            access_token=channel.access_token or "",
            page_size=channel.page_size or 50,
        )
        return get_adapter(channel.channel_type)(config, client or HttpClient(secrets=config.secrets))

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
            "view_mode": "list,form",
            "domain": [("id", "in", runs.ids)],
            "name": self.env._("Import Runs"),
        }

    def _sync(self, trigger, client=None, fan_out=False, commit=False):
        """Fetch → store raw → (process now, or one queue job per page). Returns the run.

        The cursor only moves when the whole pull succeeded; an error (after the HTTP client's
        retries) is kept on the run and in the chatter, and what was fetched before it is kept.
        """
        self.ensure_one()
        Record = self.env["sales.channel.import.record"]
        adapter = self._adapter(client)
        now = fields.Datetime.now()
        cursor = normalise.parse_datetime(self.sync_cursor, [], "cursor") if self.sync_cursor else None
        since = cursor - adapter.overlap if cursor else now - timedelta(days=self.initial_sync_days or 0)
        run = self.env["sales.channel.import.run"].create({"channel_id": self.id, "trigger": trigger})
        newest, counts, error = cursor, dict.fromkeys(("received", "done", "skipped", "failed"), 0), False
        try:
            with adapter.client:
                for page in adapter.fetch(since, now):
                    records = Record.create(
                        [Record._prepare_values(self, raw, run, source_format=self.channel_type) for raw in page]
                    )
                    for raw in page:
                        moment = normalise.parse_datetime(adapter.updated_at(raw), [], "updated_at")
                        newest = max(filter(None, (newest, moment)), default=None)
                    counts["received"] += len(records)
                    if fan_out:
                        self._enqueue_records(records)
                    else:
                        page_counts = self._process_records(records, run=run, close=False)
                        for key in ("done", "skipped", "failed"):
                            counts[key] += page_counts[key]
                    if commit:
                        self.env.cr.commit()  # pylint: disable=invalid-commit
        except (ChannelHTTPError, AdapterError) as exc:
            error = str(exc)
            _logger.warning("Channel %s: pull failed: %s", self.id, error)
            self.message_post(body=self.env._("Pull failed: %s", error))
        values = {"date_end": fields.Datetime.now(), "error": error, "state": "failed" if error else "done"}
        values.update({f"{key}_count": value for key, value in counts.items()})
        run.write(values)
        if not error:
            self.write(
                {"sync_cursor": (newest and newest.isoformat() + "Z") or self.sync_cursor, "last_sync_date": now}
            )
        return run

    def _enqueue_records(self, records):
        """One queue job per page of stored records; the identity key makes re-enqueuing a no-op."""
        self.with_delay(
            channel=JOB_CHANNEL,
            identity_key=identity_exact,
            description=self.env._("Import %(count)s orders of %(channel)s", count=len(records), channel=self.name),
        )._job_process_records(records)

    def _job_process_records(self, records):
        """Queue job: process stored records still pending or failed (a crashed job is simply run again)."""
        todo = records.filtered(lambda r: r.state in ("pending", "failed"))
        if not todo:
            return "nothing to do"
        counts = self._process_records(todo, trigger="job")
        return "imported {done}, skipped {skipped}, failed {failed}".format(**counts)

    @api.model
    def _cron_sync_channels(self, limit=20, commit=True):
        """Scheduled pulls: each due channel in its own transaction, pages stored and committed one by
        one and processed by queue jobs, so several Odoo servers share the work."""
        now = fields.Datetime.now()
        channels = self.sudo().search(
            [
                ("active", "=", True),
                ("channel_type", "in", PULL_TYPES),
                ("sync_interval", ">", 0),
                "|",
                ("next_sync_date", "=", False),
                ("next_sync_date", "<=", now),
            ],
            limit=limit,
        )
        for channel in channels:
            # Claim the channel first: another server running this cron skips it.
            channel.next_sync_date = now + timedelta(minutes=channel.sync_interval)
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            channel._sync("cron", fan_out=True, commit=commit)
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        self.env.cr.execute(SQL("DELETE FROM sales_channel_import_lock WHERE locked_at < now() - interval '2 days'"))
