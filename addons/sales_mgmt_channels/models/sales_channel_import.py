import hashlib
import json

from odoo import api, fields, models


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
        [("running", "Running"), ("done", "Done"), ("failed", "Failed")], default="running", readonly=True
    )
    error = fields.Text(readonly=True, help="Why the pull stopped (the channel's answer, without credentials).")


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
    error = fields.Text(readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True, index="btree_not_null")
    attempts = fields.Integer(readonly=True)

    @api.model
    def _prepare_values(self, channel, payload, run, source_format="normalised"):
        text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False, default=str)
        try:
            data = json.loads(text)
        except ValueError:
            data = None  # stored as received; processing reports the JSON error
        ref = ""
        if isinstance(data, dict):
            raw_ref = data.get({"shopify": "legacyResourceId", "taobao": "tid"}.get(source_format, "id"))
            ref = str(raw_ref)[:255] if isinstance(raw_ref, str | int) else ""
        return {
            "source_format": source_format,
            "channel_id": channel.id,
            "run_id": run.id,
            "external_ref": ref,
            "payload": text,
            "payload_hash": hashlib.sha256(text.encode("utf-8", errors="replace")).hexdigest(),
        }

    def action_retry(self):
        """Process failed (or pending) records again, e.g. after mapping a SKU."""
        records = self.filtered(lambda r: r.state in ("failed", "pending"))
        for channel, channel_records in records.grouped("channel_id").items():
            channel._process_records(channel_records, trigger="retry")
        return True
