import contextlib
import functools
import logging
from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, split_every

from odoo.addons.queue_job.job import identity_exact

from ..adapters import AdapterError, ChannelConfig, get_adapter
from ..tools import normalise
from ..tools.http_client import ChannelHTTPError, HttpClient

_logger = logging.getLogger(__name__)
PULL_TYPES = ("shopify", "woocommerce", "taobao")
JOB_CHANNEL = "root.sales_channel"
BATCH_SIZE = 200
#: Imported orders: no "created" chatter message (the import record tells where the order came
#: from); later changes are tracked as usual.
IMPORT_CONTEXT = {"mail_create_nolog": True, "mail_create_nosubscribe": True}

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
        self.check_access("read")  # the channel's company must be one of the user's
        channel = self.sudo()
        run, records = channel._store_payloads(payloads, "api")
        return channel._process_records(records, run=run)

    def _process_records(self, records, run=None, trigger="retry", close=True):
        """Import stored records; returns the counts.

        Records go in chunks: new orders of a chunk are created and confirmed together (one
        customer lookup, one product lookup, one create, one confirmation); updates, duplicates
        within the chunk, and every record of a chunk whose batch failed go one by one, each in
        a savepoint, so that bad input fails only its own record. Serialization failures (a
        concurrent import of the same order or customer) are not caught: the whole call is
        retried by Odoo or queue_job.
        """
        self.ensure_one()
        channel = self.sudo().with_context(**IMPORT_CONTEXT)
        run = run or channel.env["sales.channel.import.run"].create({"channel_id": channel.id, "trigger": trigger})
        counts = {"received": len(records), "done": 0, "skipped": 0, "failed": 0}
        records = records.sudo().with_env(channel.env)
        for chunk in split_every(BATCH_SIZE, records.ids, records.browse):
            results = channel._import_chunk(chunk)
            for record in chunk:
                state, order, message, data = results[record.id]
                values = {
                    "run_id": run.id,
                    "state": state,
                    "error": message if state == "failed" else False,
                    "attempts": record.attempts + 1,
                }
                if order:
                    values["order_id"] = order.id
                if data:
                    values.update(external_ref=data.ref, channel_updated_at=data.updated_at)
                record.write(values)
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

    def _import_chunk(self, chunk):
        """{record id: (state, order, message, parsed data)} for a chunk of stored records."""
        results, parsed = {}, []
        for record in chunk:
            try:
                parsed.append((record, self._parse_record(record)))
            except normalise.PayloadError as error:
                results[record.id] = ("failed", None, str(error), None)
        Order = self.env["sale.order"].with_company(self.company_id)
        existing = {
            order.channel_order_ref: order
            for order in Order.search(
                [("channel_id", "=", self.id), ("channel_order_ref", "in", list({d.ref for _r, d in parsed}))]
            )
        }
        new, one_by_one, refs = [], [], set()
        for record, data in parsed:
            order = existing.get(data.ref)
            if order and self._is_not_newer(order, data):
                results[record.id] = ("skipped", order, self.env._("Not newer than the imported version."), data)
            elif order or data.ref in refs:
                one_by_one.append(record)
            else:
                refs.add(data.ref)
                new.append((record, data))
        if new:
            try:
                with self.env.cr.savepoint():
                    results.update(self._create_orders(new))
            except (UserError, ValidationError, IntegrityError) as error:
                _logger.info(
                    "Channel %s: batch of %s orders failed (%s), importing one by one", self.id, len(new), error
                )
                self.env.invalidate_all()
                one_by_one = [record for record, _data in new] + one_by_one
        for record in one_by_one:
            results[record.id] = self._import_one(record)
        return results

    def _import_one(self, record):
        """(state, order, message, data) for one record, in its own savepoint."""
        data = None
        try:
            with self.env.cr.savepoint():
                data = self._parse_record(record)
                state, order, message = self._import_record(data)
        except (UserError, ValidationError, normalise.PayloadError) as error:
            state, order, message = "failed", None, str(error)
        except IntegrityError as error:
            # Another transaction imported the same order or identity at the same time.
            state, order, message = "failed", None, self.env._("Imported concurrently, retry: %s", error.pgerror)
        return state, order, message, data

    def _parse_record(self, record):
        """The record's payload, normalised by its channel's adapter when needed, validated."""
        raw = normalise.loads(record.payload)
        if record.source_format and record.source_format != "normalised":
            try:
                raw = get_adapter(record.source_format)(ChannelConfig(), None).normalise(raw)
            except (AttributeError, TypeError, ValueError, KeyError) as error:
                raise normalise.PayloadError([f"unreadable {record.source_format} order: {error}"]) from error
        return normalise.parse_order(raw, prices_include_tax=self.prices_include_tax)

    @api.model
    def _is_not_newer(self, order, data):
        """The payload is the imported version or an older one: nothing to do."""
        return bool(order.sm_channel_updated_at) and data.updated_at <= order.sm_channel_updated_at

    def _import_record(self, data):
        """(state, order, message) for one parsed order; raises on bad input (rolled back)."""
        self._lock_import_keys([data])
        Order = self.env["sale.order"].with_company(self.company_id)
        order = Order.search([("channel_id", "=", self.id), ("channel_order_ref", "=", data.ref)], limit=1)
        if order:
            if self._is_not_newer(order, data):
                return "skipped", order, self.env._("Not newer than the imported version.")
            self._update_order(order, data)
            return "done", order, False
        order = Order.create(self._prepare_order(data, self._match_customers([data])[0]))
        self._check_total(order, data)
        self._apply_status(order, data)
        return "done", order, False

    def _create_orders(self, items):
        """New orders of a chunk, created and confirmed together: {record id: result}.

        Records whose SKU or total is wrong fail alone; anything else raising makes the caller
        roll the batch back and import its records one by one.
        """
        results = {}
        datas = [data for _record, data in items]
        self._lock_import_keys(datas)
        partners = self._match_customers(datas)
        products = self._map_products({line.sku for data in datas for line in data.lines})
        line_defaults = self._prepare_line_defaults()
        vals_list, kept = [], []
        for (record, data), partner in zip(items, partners, strict=True):
            try:
                vals_list.append(self._prepare_order(data, partner, products, line_defaults))
                kept.append((record, data))
            except UserError as error:
                results[record.id] = ("failed", None, str(error), data)
        orders = self.env["sale.order"].with_company(self.company_id).create(vals_list)
        wrong = orders.browse()
        for (record, data), order in zip(kept, orders, strict=True):
            try:
                self._check_total(order, data)
                results[record.id] = ("done", order, False, data)
            except UserError as error:
                results[record.id] = ("failed", None, str(error), data)
                wrong |= order
        wrong.unlink()
        by_status = {}
        for (_record, data), order in zip(kept, orders, strict=True):
            if order not in wrong:
                by_status.setdefault(data.status, []).append(order.id)
        self._apply_status_many(by_status)
        return results

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
        return keys

    def _lock_import_keys(self, datas):
        """Serialise imports that touch the same order or customer, across transactions and servers.

        Each key is a row of ``sales_channel_import_lock`` written with INSERT ... ON CONFLICT DO
        UPDATE: a second transaction waits for the first; once the first commits, the second (in
        Odoo's REPEATABLE READ) fails with a serialization error and is retried as a whole by Odoo
        (RPC, HTTP) or queue_job, then sees the first one's order and customer. Keys are sorted, so
        two imports never wait for each other in a cycle.
        """
        keys = sorted({key for data in datas for key in self._import_lock_keys(data)})
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

    def _prepare_order(self, data, partner, products=None, line_defaults=None):
        currency = self._currency(data.currency)
        pricelist = self.pricelist_id
        if not pricelist or pricelist.currency_id != currency:
            pricelist = self._pricelist(currency)
        if not pricelist and currency != self.company_id.currency_id:
            raise UserError(self.env._("No pricelist in %s for the channel's orders.", data.currency))
        shipping_partner = self._delivery_address(partner, data.shipping_address) if data.shipping_address else partner
        vals = {
            "partner_id": partner.id,
            "partner_shipping_id": shipping_partner.id,
            "company_id": self.company_id.id,
            "channel_id": self.id,
            "channel_order_ref": data.ref,
            "sm_channel_updated_at": data.updated_at,
            "note": data.note,
            "order_line": self._prepare_lines(data, products, line_defaults),
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

    def _currency(self, code):
        currency = self.env["res.currency"].search([("name", "=", code)])
        if not currency:
            raise UserError(self.env._("Unknown or inactive currency %s.", code))
        return currency

    def _pricelist(self, currency):
        return self.env["product.pricelist"].search(
            [("currency_id", "=", currency.id), ("company_id", "in", [False, self.company_id.id])], limit=1
        )

    def _prepare_line_defaults(self):
        """Values common to every imported line of a batch.

        Without any analytic distribution model in the company, Odoo's computed distribution of
        a line is empty: saying so saves one model search per line (a quarter of an order's create).
        """
        models = self.env["account.analytic.distribution.model"].sudo()
        if not models.search_count([("company_id", "in", [False, self.company_id.id])], limit=1):
            return {"analytic_distribution": False}
        return {}

    def _prepare_lines(self, data, products=None, line_defaults=None):
        products = products if products is not None else self._map_products({line.sku for line in data.lines})
        line_defaults = line_defaults if line_defaults is not None else self._prepare_line_defaults()
        lines = []
        for line in data.lines:
            product = products.get(line.sku)
            if isinstance(product, str):
                raise UserError(product)
            gross = line.quantity * line.unit_price
            discount = float(line.discount / gross * 100) if gross else 0.0
            lines.append(
                Command.create(
                    {
                        **line_defaults,
                        "product_id": product.id,
                        "name": line.name or product.display_name,
                        "product_uom_qty": float(line.quantity),
                        "price_unit": self._price_excluding_tax(product, line.unit_price),
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
                        **line_defaults,
                        "product_id": self.shipping_product_id.id,
                        "product_uom_qty": 1,
                        "price_unit": self._price_excluding_tax(self.shipping_product_id, data.shipping),
                        "channel_line_ref": "shipping",
                    }
                )
            )
        return lines

    def _price_excluding_tax(self, product, price):
        """The unit price Odoo's lines take. Channels with tax-included prices: the product's
        percentage taxes are taken out (taxes that are themselves price-included stay)."""
        taxes = product.taxes_id.filtered(lambda t: t.company_id == self.company_id and not t.price_include)
        if not self.prices_include_tax or not taxes:
            return float(price)
        if any(t.amount_type != "percent" for t in taxes):
            raise UserError(
                self.env._(
                    "%s has taxes that are not percentages: tax-included channel prices cannot be converted.",
                    product.display_name,
                )
            )
        return float(price) / (1 + sum(taxes.mapped("amount")) / 100)

    def _map_products(self, skus):
        """{sku: product, or the error text} with three queries: the channel's map, internal
        references, barcodes. An unknown or ambiguous SKU never creates a product."""
        skus = [sku for sku in skus if sku]
        result = {}
        for mapping in self.env["sales.channel.product.map"].search(
            [("channel_id", "=", self.id), ("sku", "in", skus)]
        ):
            result[mapping.sku] = mapping.product_id
        Product = self.env["product.product"].with_company(self.company_id)
        for fname in ("default_code", "barcode"):
            todo = [sku for sku in skus if sku not in result]
            if not todo:
                break
            found = {}
            for product in Product.search([(fname, "in", todo)]):
                found.setdefault(product[fname], []).append(product)
            for sku, products in found.items():
                if len(products) > 1:
                    result[sku] = self.env._("SKU %s matches several products: map it on the channel.", sku)
                else:
                    result[sku] = products[0]
        for sku in skus:
            result.setdefault(sku, self.env._("Unknown SKU %s: map it to a product on the channel, then retry.", sku))
        return result

    def _match_customers(self, datas):
        """The customer of each order: channel identity → normalised e-mail → E.164 phone → new.

        One query per kind of key for the whole batch; new customers are created together (one
        per real person: orders of the batch with the same key share it) and their channel
        identities recorded.
        """
        Partner = self.env["res.partner"].with_context(active_test=False).with_company(self.company_id)
        Identity = self.env["sales.channel.identity"]
        customers = [data.customer for data in datas]
        country_of = functools.cache(self._country)  # one query per country code of the batch
        buyer_refs = list({c.ref for c in customers if c.ref})
        by_ref = {
            identity.buyer_ref: identity.partner_id
            for identity in Identity.search([("channel_id", "=", self.id), ("buyer_ref", "in", buyer_refs)])
        }
        emails = list({c.email for c in customers if c.email})
        by_email = {}
        for partner in Partner.search([("email_normalized", "in", emails), ("type", "=", "contact")], order="id desc"):
            by_email[partner.email_normalized] = partner
        phones = {}
        for customer in customers:
            if customer.phone and customer.phone not in phones:
                country = country_of(customer.address.country_code) or self.company_id.country_id
                phones[customer.phone] = Partner._phone_format(number=customer.phone, country=country) or False
        by_phone = {}
        for partner in Partner.search(
            [("phone_sanitized", "in", [p for p in phones.values() if p]), ("type", "=", "contact")],
            order="id desc",
        ):
            by_phone[partner.phone_sanitized] = partner
        matched, to_create, create_keys = [], [], {}
        for customer in customers:
            keys = [
                ("ref", customer.ref) if customer.ref else None,
                ("email", customer.email) if customer.email else None,
                ("phone", phones.get(customer.phone)) if phones.get(customer.phone) else None,
            ]
            keys = [key for key in keys if key]
            partner = (
                by_ref.get(customer.ref) or by_email.get(customer.email) or by_phone.get(phones.get(customer.phone))
            )
            if partner:
                matched.append(partner.commercial_partner_id if partner.type != "contact" else partner)
                continue
            index = next((create_keys[key] for key in keys if key in create_keys), None)
            if index is None:
                index = len(to_create)
                to_create.append(self._prepare_partner(customer, country_of(customer.address.country_code)))
            for key in keys:
                create_keys.setdefault(key, index)
            matched.append(index)
        created = Partner.create(to_create) if to_create else Partner
        if created:
            self._propose_duplicates(created)
        partners = [created[item] if isinstance(item, int) else item for item in matched]
        new_identities = {}
        for customer, partner in zip(customers, partners, strict=True):
            if customer.ref and customer.ref not in by_ref:
                new_identities.setdefault(customer.ref, partner.id)
        if new_identities:
            Identity.create(
                [
                    {"channel_id": self.id, "buyer_ref": ref, "partner_id": partner_id}
                    for ref, partner_id in new_identities.items()
                ]
            )
        return partners

    def _propose_duplicates(self, partners):
        """New customers with the same name and postal code as an existing one are flagged for
        review with Odoo's merge wizard (an activity for the channel's salesperson); never merged."""
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
            SELECT new.id, array_agg(old.id ORDER BY old.id)
              FROM res_partner new
              JOIN res_partner old ON lower(old.name) = lower(new.name) AND old.zip = new.zip
                                  AND old.id <> new.id AND old.active AND old.parent_id IS NULL
             WHERE new.id = ANY(%s) AND new.zip IS NOT NULL AND old.id <> ALL(%s)
             GROUP BY new.id
                """,
                partners.ids,
                partners.ids,
            )
        )
        for partner_id, duplicate_ids in rows:
            partner = partners.browse(partner_id)
            partner.sm_possible_duplicate_ids = [Command.set(duplicate_ids)]
            partner.activity_schedule(
                "sales_mgmt_channels.mail_activity_type_possible_duplicate",
                summary=self.env._("Possible duplicate customer"),
                note=self.env._(
                    "Created by channel %s with the same name and postal code as an existing customer.", self.name
                ),
                user_id=self._responsible_user().id,
            )

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
            "customer_tier_id": self.default_tier_id.id,
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

    def _apply_status_many(self, by_status):
        """{status: order ids} of new orders: paid ones confirmed together (or by a queue job),
        cancelled ones cancelled."""
        Order = self.env["sale.order"].with_company(self.company_id)
        paid = Order.browse(by_status.get("paid", []))
        paid._sm_system_write({"sm_channel_paid": True})
        if paid and self.confirm_in_background:
            self._enqueue_confirmation(paid)
        elif paid:
            paid.action_confirm()
        cancelled = Order.browse(by_status.get("cancelled", []) + by_status.get("refunded", []))
        if cancelled:
            cancelled._action_cancel()

    def _apply_status(self, order, data):
        if data.status == "paid" and order.state in ("draft", "sent"):
            if not order.sm_channel_paid:
                order._sm_system_write({"sm_channel_paid": True})
            order.action_confirm()
            if order.sm_channel_confirm_queued:  # confirmed before its queued job ran
                order.sm_channel_confirm_queued = False
        elif data.status == "refunded" and order.state == "sale" and order._sm_delivered_pickings():
            self._refund_delivered(order)
        elif data.status in ("cancelled", "refunded") and order.state != "cancel":
            order._action_cancel()

    def _refund_delivered(self, order):
        """A refunded order that was shipped: Odoo's return of everything delivered and a draft
        credit note, through the after-sales return of sales_mgmt_core; once."""
        if order.sm_channel_refunded:
            return
        wizard = (
            self.env["sale.order.return.wizard"]
            .with_context(default_order_id=order.id)
            .create(
                {
                    "order_id": order.id,
                    "reason": self.env._("Refunded in %s", self.name),
                    "create_credit_note": True,
                }
            )
        )
        for line in wizard.line_ids:
            line.quantity = line.max_quantity
        wizard.action_create_return()
        order.sm_channel_refunded = True

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

    def _delay(self, description):
        """This channel, delayed on the channels' job channel; the identity key makes
        re-enqueuing the same job a no-op."""
        return self.with_delay(channel=JOB_CHANNEL, identity_key=identity_exact, description=description)

    def _enqueue_records(self, records):
        """One queue job per page of stored records."""
        description = self.env._("Import %(count)s orders of %(channel)s", count=len(records), channel=self.name)
        self._delay(description)._job_process_records(records)

    def _enqueue_confirmation(self, orders):
        """Paid orders of a batch: one queue job confirms them (see confirm_in_background)."""
        orders.sm_channel_confirm_queued = True
        description = self.env._("Confirm %(count)s orders of %(channel)s", count=len(orders), channel=self.name)
        self._delay(description)._job_confirm_orders(orders)

    def _job_confirm_orders(self, orders):
        """Queue job: confirm queued orders still quotations, together, through the approval flow of
        sales_mgmt_core (held orders wait for approval as usual). An order that cannot be confirmed
        gets the error in its chatter and an activity; the others are confirmed."""
        orders = orders.with_company(self.company_id).exists()
        todo = orders.filtered(lambda o: o.sm_channel_confirm_queued and o.state in ("draft", "sent"))
        failed = orders.browse()
        try:
            with self.env.cr.savepoint():
                todo.action_confirm()
        except (UserError, ValidationError):
            self.env.invalidate_all()
            for order in todo:
                try:
                    with self.env.cr.savepoint():
                        order.action_confirm()
                except (UserError, ValidationError) as error:
                    self.env.invalidate_all()
                    failed |= order
                    self._confirmation_failed(order, error)
        orders.sm_channel_confirm_queued = False
        return (
            f"confirmed {len(todo) - len(failed)}, failed {len(failed)}, not quotations any more {len(orders - todo)}"
        )

    def _responsible_user(self, order=None):
        """Who gets the channel's activities: the order's salesperson, the channel's, the administrator."""
        return (order and order.user_id) or self.user_id or self.env.ref("base.user_admin")

    def _confirmation_failed(self, order, error):
        message = self.env._("The paid order could not be confirmed: %s", error)
        order.message_post(body=message)
        order.activity_schedule(
            "mail.mail_activity_data_warning",
            summary=self.env._("Confirm the paid channel order"),
            note=message,
            user_id=self._responsible_user(order).id,
        )

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
            try:
                with self.env.cr.savepoint(flush=not commit) if not commit else contextlib.nullcontext():
                    channel._sync("cron", fan_out=True, commit=commit)
            except Exception:  # one channel's bug must not stop the others' pulls
                _logger.exception("Channel %s: scheduled pull failed", channel.id)
                if commit:  # pages stored before the failure are committed already
                    self.env.cr.rollback()
                    self.env.invalidate_all()
                channel.message_post(body=self.env._("The scheduled pull failed unexpectedly; see the server log."))
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        self.env.cr.execute(SQL("DELETE FROM sales_channel_import_lock WHERE locked_at < now() - interval '2 days'"))
