import hashlib
import json

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_datetime
from odoo.tools.translate import LazyTranslate

from odoo.addons.sales_mgmt_core.tools.messages import render, translations

from ..adapters import NAME_KEYS, REF_KEYS

_lt = LazyTranslate(__name__, default_lang="en_US")

#: Run states of a run that is over.
CLOSED_RUN_STATES = ("done", "failed", "interrupted", "queued")


class SalesChannelImportRun(models.Model):
    _name = "sales.channel.import.run"
    _description = "Channel Import Run"
    _order = "id desc"

    channel_id = fields.Many2one("sales.channel", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="channel_id.company_id", store=True)
    trigger = fields.Selection(
        [
            ("api", "API"),
            ("webhook", "Webhook"),
            ("cron", "Scheduled"),
            ("manual", "Manual"),
            ("retry", "Retry"),
            ("job", "Queue Job"),
            ("file", "File"),
        ],
        required=True,
        default="api",
    )
    date_start = fields.Datetime(default=fields.Datetime.now, readonly=True)
    date_end = fields.Datetime(readonly=True)
    record_ids = fields.One2many("sales.channel.import.record", "run_id")
    received_count = fields.Integer("Received", readonly=True)
    done_count = fields.Integer("Imported", readonly=True)
    skipped_count = fields.Integer("Skipped", readonly=True)
    failed_count = fields.Integer("Failed", readonly=True)
    state = fields.Selection(
        [
            ("running", "Running"),
            ("done", "Done"),
            ("failed", "Failed"),
            ("queued", "Handed to a Job"),
            ("interrupted", "Interrupted"),
        ],
        default="running",
        readonly=True,
        help="Handed to a Job: the records are imported by a queue job (a concurrent import met them). "
        "Interrupted: the server process running it stopped; its stored records are imported by a queue job.",
    )
    error = fields.Text(
        readonly=True,
        translate=True,  # written in every active language: each reader reads it in theirs
        help="Why the pull stopped (the channel's answer, without credentials).",
    )
    error_summary = fields.Char(compute="_compute_error_summary")

    @api.depends("channel_id.name", "date_start")
    def _compute_display_name(self):
        for run in self:
            start = format_datetime(self.env, run.date_start) if run.date_start else ""
            run.display_name = f"{run.channel_id.name or ''} {start}".strip()

    @api.depends("error")
    @api.depends_context("lang")
    def _compute_error_summary(self):
        for run in self:
            run.error_summary = _first_line(run.error)

    def _lock_running(self):
        """Row-lock these runs for the transaction: a lock held means a live process is working on
        the run; the recovery cron only closes runs nobody holds."""
        if self.ids:
            self.env.cr.execute(SQL("SELECT id FROM sales_channel_import_run WHERE id = ANY(%s) FOR UPDATE", self.ids))

    def _close(self, counts, state="done", error=False):
        """End the runs; ``error``: why (a lazy translation, an error of the adapters, or text)."""
        values = {
            "date_end": fields.Datetime.now(),
            "state": state,
            **{f"{key}_count": counts.get(key, 0) for key in ("received", "done", "skipped", "failed")},
        }
        if not error:
            values["error"] = False
        self.write(values)
        if error:
            _write_error(self, error)


def _write_error(records, message):
    """``message`` as the ``error`` of ``records`` in en_US and every active language, so that each
    reader reads it in theirs (``message``: see :func:`~odoo.addons.sales_mgmt_core.tools.messages.render`)."""
    values = translations(records.env, message)
    for record in records:
        record.update_field_translations("error", values)


def _first_line(text, limit=160):
    """The first line of ``text``, shortened for a list ("…" when something was left out)."""
    text = (text or "").strip()
    if not text:
        return False
    line = text.splitlines()[0]
    if len(line) > limit:
        return line[: limit - 1].rstrip() + "…"
    return line + " …" if line != text else line


class SalesChannelImportRecord(models.Model):
    """One order as received from a channel, stored before anything is done with it."""

    _name = "sales.channel.import.record"
    _description = "Channel Import Record"
    _inherit = ["mail.thread"]
    _order = "id desc"

    channel_id = fields.Many2one("sales.channel", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="channel_id.company_id", store=True)
    run_id = fields.Many2one("sales.channel.import.run", index="btree_not_null", ondelete="set null")
    external_ref = fields.Char("Channel Order", index=True, readonly=True)
    channel_updated_at = fields.Datetime("Updated in Channel", readonly=True)
    payload = fields.Text(readonly=True, help="The order exactly as received (JSON).")
    source_format = fields.Selection(
        [
            ("normalised", "Normalised JSON"),
            ("shopify", "Shopify"),
            ("woocommerce", "WooCommerce"),
            ("taobao", "Taobao"),
        ],
        default="normalised",
        required=True,
        readonly=True,
        help="Format of the payload: channel pulls store the marketplace's own order, normalised when processed.",
    )
    payload_hash = fields.Char(readonly=True, index=True)
    state = fields.Selection(
        [("pending", "Pending"), ("done", "Imported"), ("skipped", "Skipped"), ("failed", "Failed")],
        default="pending",
        required=True,
        index=True,
        tracking=True,
    )
    error = fields.Text(readonly=True, translate=True)  # written in every active language
    error_summary = fields.Char(compute="_compute_error_summary")
    order_id = fields.Many2one("sale.order", readonly=True, index="btree_not_null")
    attempts = fields.Integer(readonly=True)
    record_type = fields.Selection(
        [("order", "Order"), ("page", "Unreadable Page")],
        default="order",
        required=True,
        readonly=True,
        help="Unreadable Page: a page of a pull whose body did not parse; Retry fetches it again.",
    )
    request = fields.Text(
        readonly=True, help="Unreadable pages: what was asked from the channel (without credentials)."
    )
    http_status = fields.Integer("HTTP Status", readonly=True)
    payload_size = fields.Integer("Size (characters)", readonly=True)
    payload_pretty = fields.Text("Formatted Payload", compute="_compute_payload_pretty")

    @api.depends("channel_id.name", "external_ref", "record_type")
    def _compute_display_name(self):
        for record in self:
            if record.record_type == "page":
                ref = self.env._("unreadable page")
            else:
                ref = record.external_ref or self.env._("order without reference")
            record.display_name = f"{record.channel_id.name or ''} {ref}".strip()

    @api.depends("error")
    @api.depends_context("lang")
    def _compute_error_summary(self):
        for record in self:
            record.error_summary = _first_line(record.error)

    @api.depends("payload")
    def _compute_payload_pretty(self):
        for record in self:
            try:
                data = json.loads(record.payload or "")
            except ValueError:
                record.payload_pretty = record.payload
            else:
                record.payload_pretty = json.dumps(data, indent=2, ensure_ascii=False)

    @api.model
    def _prepare_values(self, channel, payload, run, source_format="normalised"):
        text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False, default=str)
        try:
            data = json.loads(text)
        except ValueError:
            data = None  # stored as received; processing reports the JSON error
        ref = ""
        if isinstance(data, dict):  # the reference sellers know (Shopify "#1002"), else the channel's id
            raw_ref = data.get(NAME_KEYS.get(source_format, "name")) or data.get(REF_KEYS.get(source_format, "id"))
            ref = str(raw_ref)[:255] if isinstance(raw_ref, str | int) and not isinstance(raw_ref, bool) else ""
        return {
            "source_format": source_format,
            "channel_id": channel.id,
            "run_id": run.id,
            "external_ref": ref,
            "payload": text,
            "payload_hash": hashlib.sha256(text.encode("utf-8", errors="replace")).hexdigest(),
            "payload_size": len(text),
        }

    @api.model
    def _prepare_bad_page_values(self, channel, page, run):
        """A page whose body did not parse (an adapter's BadPage): kept whole, as a failed record. Its
        error is in English here: :meth:`_create_bad_page` stores it in every language."""
        raw = page.raw or ""
        return {
            "record_type": "page",
            "source_format": channel.channel_type,
            "channel_id": channel.id,
            "run_id": run.id,
            "payload": raw,
            "payload_size": len(raw),
            "payload_hash": hashlib.sha256(raw.encode("utf-8", errors="replace")).hexdigest(),
            "request": json.dumps(page.request, ensure_ascii=False, indent=2, default=str),
            "http_status": page.status or 0,
            "state": "failed",
            "attempts": 1,
            "error": render(_unreadable(page.error)),
        }

    @api.model
    def _create_bad_page(self, channel, page, run):
        """The failed record of a page whose body did not parse, its error in every active language."""
        record = self.create(self._prepare_bad_page_values(channel, page, run))
        record._write_error(_unreadable(page.error))
        return record

    def _write_error(self, message):
        _write_error(self, message)

    def action_retry(self):
        """Process failed (or pending) records again, e.g. after mapping a SKU; an unreadable page is
        fetched again from the channel."""
        records = self.filtered(lambda r: r.state in ("failed", "pending"))
        pages = records.filtered(lambda r: r.record_type == "page")
        for page in pages:
            page.channel_id._refetch_page(page)
        for channel, channel_records in (records - pages).grouped("channel_id").items():
            channel._process_records(channel_records, trigger="retry")
        return True

    def _request_data(self):
        self.ensure_one()
        try:
            return json.loads(self.request or "")
        except ValueError as error:
            raise UserError(self.env._("The request of this page was not kept; pull the channel again.")) from error


def _unreadable(error):
    """Why a page's body is kept as a failed record; ``error``: the reason (a lazy translation or text)."""
    return _lt("The channel's answer could not be read: %s", error)
