import contextlib
import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from odoo.addons.queue_job.job import identity_exact
from odoo.addons.sales_mgmt_core.tools.messages import render

from ..adapters import AdapterError
from ..adapters.base import BadPage
from ..tools import normalise
from ..tools.http_client import ChannelHTTPError, UnreadableBody
from .sales_channel import JOB_CHANNEL, PULL_TYPES

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__, default_lang="en_US")
#: A run still "running" after this long that no transaction holds was left by a process that died.
RECOVER_AFTER = timedelta(minutes=5)
#: Pending records of closed runs older than this are handed to a job again (theirs was lost).
STALE_PENDING = timedelta(hours=1)
RECOVER_BATCH = 200


class SalesChannel(models.Model):
    """Pulls from Shopify, WooCommerce and Taobao, and the queue jobs that import what they stored."""

    _inherit = "sales.channel"  # pylint: disable=consider-merging-classes-inherited

    def _sync(self, trigger, client=None, fan_out=False, commit=False):
        """Fetch → store raw → (process now, or one queue job per page). Returns the run.

        A page whose body does not parse (the adapter's BadPage) is kept as a failed import record
        and the pull goes on with the next pages when the paging allows it; the cursor then stops
        at the newest order before that page, so the next pull asks for it again. Any other error
        (after the HTTP client's retries) stops the pull, is kept on the run and in the chatter,
        and leaves the cursor where it was; what was fetched before it is kept.
        """
        self.ensure_one()
        Record = self.env["sales.channel.import.record"]
        adapter = self._adapter(client)
        now = fields.Datetime.now()
        cursor = normalise.parse_datetime(self.sync_cursor, [], "cursor") if self.sync_cursor else None
        since = cursor - adapter.overlap if cursor else now - timedelta(days=self.initial_sync_days or 0)
        run = self.env["sales.channel.import.run"].create({"channel_id": self.id, "trigger": trigger})
        newest, counts, error = cursor, dict.fromkeys(("received", "done", "skipped", "failed"), 0), False
        bad_pages, safe_cursor = 0, None
        try:
            with adapter.client:
                for page in adapter.fetch(since, now):
                    if isinstance(page, BadPage):
                        Record._create_bad_page(self, page, run)
                        counts["received"] += 1
                        counts["failed"] += 1
                        if not bad_pages:
                            safe_cursor = newest
                        bad_pages += 1
                        _logger.warning("Channel %s: unreadable page kept (%s)", self.id, render(page.error))
                    else:
                        counts["received"] += len(page)
                        newest = self._store_page(page, run, adapter, newest, counts, fan_out)
                    if commit:
                        self.env.cr.commit()  # pylint: disable=invalid-commit
                        run._lock_running()
        except (ChannelHTTPError, AdapterError) as exc:
            error = exc  # kept on the run in every language
            _logger.warning("Channel %s: pull failed: %s", self.id, exc)
            # the sentence for the seller, then the technical line under it (escaped, not linkified)
            text = self.env._("Pull failed: %s", render(exc, self.env))
            self.message_post(body=Markup("<br/>").join(text.splitlines()))
        if bad_pages and not error:
            error = _lt(
                "%(count)s page(s) of the channel's answer could not be read: kept as failed import records "
                "(Retry fetches them again); the next pull starts before them.",
                count=bad_pages,
            )
            self.message_post(body=self.env._("Pull incomplete: %s", render(error, self.env)))
        run._close(counts, state="failed" if error else "done", error=error)
        if bad_pages:
            newest = safe_cursor
        if not error or bad_pages:
            values = {"sync_cursor": (newest and newest.isoformat() + "Z") or self.sync_cursor}
            if not error:
                values["last_sync_date"] = now
            self.write(values)
        return run

    def _store_page(self, page, run, adapter, newest, counts, fan_out):
        """Store a page of raw orders; process it now or hand it to a job. Returns the newest update time."""
        Record = self.env["sales.channel.import.record"]
        records = Record.create(
            [Record._prepare_values(self, raw, run, source_format=self.channel_type) for raw in page]
        )
        for raw in page:
            moment = normalise.parse_datetime(adapter.updated_at(raw), [], "updated_at")
            newest = max(filter(None, (newest, moment)), default=None)
        if fan_out:
            self._enqueue_records(records)
        else:
            page_counts = self._process_records(records, run=run, close=False)
            for key in ("done", "skipped", "failed"):
                counts[key] += page_counts[key]
        return newest

    def _refetch_page(self, record):
        """*Retry* of an unreadable page: ask the channel the same request again. Its orders are stored
        and imported in a new run; a body still unreadable stays on the record."""
        self.ensure_one()
        channel = self.sudo()
        adapter = channel._adapter()
        request = record._request_data()
        try:
            with adapter.client:
                page = adapter.refetch(request)
        except UnreadableBody as error:  # still unreadable: kept, with the new answer
            record.sudo().write(
                {
                    "payload": error.raw,
                    "payload_size": len(error.raw or ""),
                    "http_status": error.status or 0,
                    "attempts": record.attempts + 1,
                }
            )
            record.sudo()._write_error(_lt("The channel's answer could not be read: %s", error.message))
            return self.env["sales.channel.import.run"]
        except (ChannelHTTPError, AdapterError) as error:
            raise UserError(
                self.env._("The channel did not answer the page again: %s", render(error, self.env))
            ) from error
        run = self.env["sales.channel.import.run"].sudo().create({"channel_id": channel.id, "trigger": "retry"})
        counts = dict.fromkeys(("received", "done", "skipped", "failed"), 0)
        counts["received"] = len(page)
        channel._store_page(page, run, adapter, None, counts, fan_out=False)
        run._close(counts)
        record.sudo().write({"state": "done", "error": False, "attempts": record.attempts + 1, "run_id": run.id})
        record.message_post(
            body=self.env._(
                "Fetched again: %(count)s orders, imported in %(run)s.", count=len(page), run=run.display_name
            )
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

    @api.model
    def _cron_recover_imports(self, older_than=RECOVER_AFTER, stale_after=STALE_PENDING):
        """Whatever was stored is imported, even when the process that stored it died.

        A webhook stores and commits what it received before importing it; a scheduled pull
        commits page by page. A live import keeps a row lock on its run: a run still "running"
        after ``older_than`` that nobody holds was left by a killed worker (memory or time limit,
        crash). It is closed as interrupted, and its pending records, as well as pending records
        older than ``stale_after`` whose run is over, are handed to queue jobs (identity keys:
        never twice for the same records while the first job waits).
        """
        now = fields.Datetime.now()
        Run = self.env["sales.channel.import.run"].sudo()
        Record = self.env["sales.channel.import.record"].sudo()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM sales_channel_import_run WHERE state = 'running' AND date_start <= %s "
                "ORDER BY id FOR UPDATE SKIP LOCKED",
                now - older_than,
            )
        )
        dead = Run.browse([row[0] for row in self.env.cr.fetchall()])
        for run in dead:
            counts = {"received": len(run.record_ids)}
            for state, records in run.record_ids.grouped("state").items():
                counts[state] = len(records)
            run._close(
                counts,
                state="interrupted",
                error=_lt(
                    "The server process running this import stopped before it finished (e.g. killed at its "
                    "time or memory limit); its %(count)s stored orders not imported yet are imported by a queue job.",
                    count=counts.get("pending", 0),
                ),
            )
        stale = Record.search(
            [
                ("state", "=", "pending"),
                "|",
                ("run_id", "in", dead.ids),
                "&",
                ("create_date", "<=", now - stale_after),
                ("run_id.state", "!=", "running"),
            ],
            order="id",
        )
        for channel, records in stale.grouped("channel_id").items():
            for index in range(0, len(records), RECOVER_BATCH):
                channel._enqueue_records(records[index : index + RECOVER_BATCH])
        if dead or stale:
            _logger.warning("Channel imports recovered: %s runs interrupted, %s records queued", len(dead), len(stale))
        return {"interrupted": len(dead), "queued": len(stale)}
