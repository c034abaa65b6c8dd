import logging

from psycopg2 import IntegrityError, OperationalError

from odoo import api, models
from odoo.exceptions import AccessError, ConcurrencyError, UserError, ValidationError
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL, split_every
from odoo.tools.translate import LazyTranslate

from ..adapters import NAME_KEYS, REF_KEYS, get_adapter
from ..tools import normalise

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__, default_lang="en_US")
NOT_NEWER = _lt("Not newer than the imported version.")
#: Marketplaces by channel type, as messages name them (in the reader's language)
PLATFORMS = {"shopify": "Shopify", "woocommerce": "WooCommerce", "taobao": _lt("Taobao / Tmall")}
BATCH_SIZE = 200
#: Imported orders: no "created" chatter message (the import record tells where the order came
#: from); later changes are tracked as usual.
IMPORT_CONTEXT = {"mail_create_nolog": True, "mail_create_nosubscribe": True}


class SalesChannel(models.Model):
    """Import pipeline shared by every adapter: store raw → normalise → match → upsert."""

    _inherit = "sales.channel"  # pylint: disable=consider-merging-classes-inherited

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
        try:
            run, records = channel._store_payloads(payloads, "api")
            counts = channel._process_records(records, run=run)
            self.env.flush_all()
        except OperationalError as error:
            if error.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise
            # Retried by Odoo as a whole; after its last try the caller reads this.
            raise ConcurrencyError(
                self.env._(
                    "Concurrent imports of the same orders or customers conflicted and nothing of this call was "
                    "saved: send the same orders again (the import is idempotent: orders already imported are "
                    "skipped)."
                )
            ) from error
        return counts

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
        run._lock_running()
        counts = {"received": len(records), "done": 0, "skipped": 0, "failed": 0}
        records = records.sudo().with_env(channel.env)
        seen = {}
        for chunk in split_every(BATCH_SIZE, records.ids, records.browse):
            results = channel._import_chunk(chunk, seen)
            failures = []
            for record in chunk:
                state, order, message, data = results[record.id]
                values = {"run_id": run.id, "state": state, "attempts": record.attempts + 1}
                if state == "failed":
                    failures.append((record, message))  # its error is written in every language below
                else:
                    values["error"] = False
                if order:
                    values["order_id"] = order.id
                if data:
                    values.update(external_ref=data.name or data.ref, channel_updated_at=data.updated_at)
                elif state == "failed":
                    values.update(channel._peek_record(record))
                record.write(values)
                counts[state] += 1
            channel._write_failures(failures)
        counts["run_id"] = run.id
        if not close:
            return counts
        run._close(counts)
        return counts

    def _import_chunk(self, chunk, seen=None):
        """{record id: (state, order, message, parsed data)} for a chunk of stored records.

        ``seen`` ({(order ref, channel update time): record}) spans the chunks of one call: a second
        copy of the same version of an order (a page or delivery holding it twice) is skipped,
        whatever becomes of the first one.
        """
        results, parsed = {}, []
        seen = {} if seen is None else seen
        for record in chunk:
            try:
                data = self._parse_record(record)
            except normalise.PayloadError as error:
                results[record.id] = ("failed", None, error, None)
                continue
            first = seen.setdefault((data.ref, data.updated_at), record)
            if first != record:
                message = _lt("Same order and version as %s, received together: skipped.", first.display_name)
                results[record.id] = ("skipped", None, message, data)
            else:
                parsed.append((record, data))
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
                results[record.id] = ("skipped", order, NOT_NEWER, data)
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
        """(state, order, message, data) for one record, in its own savepoint. The message of a failure
        is the error itself (see :meth:`_write_failures`)."""
        data = None
        try:
            with self.env.cr.savepoint():
                data = self._parse_record(record)
                state, order, message = self._import_record(data)
        except (UserError, ValidationError, normalise.PayloadError) as error:
            state, order, message = "failed", None, error
        except IntegrityError as error:
            # Another transaction imported the same order or identity at the same time.
            state, order, message = "failed", None, _lt("Imported concurrently, retry: %s", error.pgerror)
        return state, order, message, data

    def _write_failures(self, failures):
        """Write the error of failed records ([(record, message)]) in en_US and every active language:
        payload errors, the import's own errors (TranslatableUserError: unknown SKU, amounts that do
        not match...) and the pipeline's messages are lazy translations; Odoo's own errors are kept as
        raised (see ``sales_mgmt_core.tools.messages.render``)."""
        for record, message in failures:
            record._write_error(message)

    def _parse_record(self, record):
        """The record's payload, normalised by its channel's adapter when needed, validated."""
        raw = normalise.loads(record.payload)
        if record.source_format and record.source_format != "normalised":
            adapter = get_adapter(record.source_format)(self._adapter_config(with_secrets=False), None)
            try:
                raw = adapter.normalise(raw)
            except normalise.PayloadError:
                raise
            except (AttributeError, TypeError, ValueError, KeyError, IndexError) as error:
                # An adapter bug on an unexpected shape: the user gets words, the log the details.
                _logger.warning("Channel %s: %s order not mapped", self.id, record.source_format, exc_info=True)
                raise normalise.PayloadError(
                    [
                        _lt(
                            "this %(format)s order has a shape the import does not know; see the payload",
                            format=record.source_format,
                        )
                    ]
                ) from error
        try:
            return normalise.parse_order(raw, prices_include_tax=self.prices_include_tax)
        except normalise.PayloadError:
            if record.source_format == "normalised" and not {"updated_at", "lines"} & raw.keys():
                # another format altogether (e.g. a Shopify order sent to import_orders): say that, once
                raise normalise.PayloadError([self._not_normalised_message(raw)]) from None
            raise

    def _not_normalised_message(self, raw):
        """Why a payload stored as normalised is not one; names this channel's own format when it is that."""
        if self.channel_type in PLATFORMS:
            adapter = get_adapter(self.channel_type)(self._adapter_config(with_secrets=False), None)
            try:
                own_format = bool(adapter.updated_at(raw))
            except (AttributeError, TypeError, ValueError):
                own_format = False
            if own_format:
                return _lt(
                    "this is a %(platform)s order, not a normalised one: import_orders and the webhook take orders "
                    "in the normalised JSON format (id, updated_at, status, currency, customer, lines, total; see "
                    "the module's README). %(platform)s orders come in through the channel's pulls (Pull Orders "
                    "Now, or the scheduled pull).",
                    platform=PLATFORMS[self.channel_type],
                )
        return _lt(
            "this is not an order in the normalised JSON format (it has neither updated_at nor lines): "
            "import_orders and the webhook take normalised orders (id, updated_at, status, currency, customer, "
            "lines, total; see the module's README)."
        )

    def _peek_record(self, record):
        """{external_ref, channel_updated_at} read as well as can be from a record whose payload did not
        validate, so that a failed record still shows which order and version it is."""
        try:
            raw = normalise.loads(record.payload)
        except normalise.PayloadError:
            return {}
        adapter = get_adapter(record.source_format)(self._adapter_config(with_secrets=False), None)
        moment = adapter.updated_at(raw)
        name = raw.get(NAME_KEYS.get(record.source_format, "name")) or raw.get(REF_KEYS.get(record.source_format, "id"))
        values = {}
        updated_at = normalise.parse_datetime(moment, [], "updated_at") if moment else None
        if updated_at:
            values["channel_updated_at"] = updated_at
        if isinstance(name, str | int) and not isinstance(name, bool) and str(name).strip():
            values["external_ref"] = str(name).strip()[:255]
        return values

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
                return "skipped", order, NOT_NEWER
            self._update_order(order, data)
            return "done", order, False
        order = Order.create(self._prepare_order(data, self._match_customers([data])[0]))
        self._check_amounts(order, data)
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
                results[record.id] = ("failed", None, error, data)
        orders = self.env["sale.order"].with_company(self.company_id).create(vals_list)
        wrong = orders.browse()
        for (record, data), order in zip(kept, orders, strict=True):
            try:
                self._check_amounts(order, data)
                results[record.id] = ("done", order, False, data)
            except UserError as error:
                results[record.id] = ("failed", None, error, data)
                wrong |= order
        wrong.unlink()
        self._apply_status_many(
            [(order, data) for (_record, data), order in zip(kept, orders, strict=True) if order not in wrong]
        )
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

    def _update_order(self, order, data):
        """A newer version of an imported order: lines while still a quotation, then the status."""
        if order.state in ("draft", "sent"):
            order.order_line.unlink()
            order.write({"order_line": self._prepare_lines(data), "sm_channel_updated_at": data.updated_at})
            self._check_amounts(order, data)
        else:
            order.sm_channel_updated_at = data.updated_at
        self._apply_status(order, data)

    def _store_payloads(self, payloads, trigger, source_format="normalised"):
        """Store received payloads (normalised, or in the channel's own ``source_format``) as pending
        import records of a new run; returns (run, records)."""
        self.ensure_one()
        run = self.env["sales.channel.import.run"].create({"channel_id": self.id, "trigger": trigger})
        Record = self.env["sales.channel.import.record"]
        return run, Record.create([Record._prepare_values(self, p, run, source_format) for p in payloads])
