import base64
import hashlib
import hmac
import json
import logging

from psycopg2 import OperationalError

from odoo import SUPERUSER_ID, http
from odoo.http import request
from odoo.tools.translate import LazyTranslate

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__, default_lang="en_US")

SIGNATURE_HEADER = "X-Sales-Mgmt-Signature"


class ChannelWebhook(http.Controller):
    """Normalised-JSON order push: ``POST /sales_mgmt/channel/<id>/orders`` with the body signed
    by HMAC-SHA256 with the channel's webhook secret (base64 in the X-Sales-Mgmt-Signature header).

    A body with a good signature is stored as an import record and committed before anything
    else; a bad or missing signature is refused with 401 and nothing is stored. Should the worker
    die while importing, the recovery cron hands the stored records to a queue job.
    """

    @http.route(
        "/sales_mgmt/channel/<int:channel_id>/orders",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        readonly=False,
    )
    def receive_orders(self, channel_id, **_kwargs):
        if request.httprequest.mimetype != "application/json":
            # A form-encoded body is parsed (and consumed) by the framework: the signature could
            # not be checked on the bytes sent.
            return request.make_json_response({"error": "send the orders as application/json"}, status=415)
        body = request.httprequest.get_data(as_text=False)
        # Nobody is logged in: the signature authenticates the sender; the import runs as OdooBot.
        request.update_env(user=SUPERUSER_ID)
        channel = request.env["sales.channel"].sudo().browse(channel_id).exists()
        secret = channel.webhook_secret if channel and channel.active else None
        signature = request.httprequest.headers.get(SIGNATURE_HEADER, "")
        if not secret or not hmac.compare_digest(self._sign(secret, body), signature.encode()):
            _logger.warning("Channel webhook %s: refused (unknown channel or bad signature)", channel_id)
            return request.make_json_response({"error": "invalid signature"}, status=401)
        run, records = channel._store_payloads(self._split(body), "webhook")
        # What was received is kept even if processing fails below (the sender would resend anyway).
        request.env.cr.commit()  # pylint: disable=invalid-commit
        try:
            result = channel._process_records(records, run=run)
        except OperationalError as error:
            # A concurrent delivery of the same order or customer: the stored records are
            # processed by a queue job instead (which retries), the sender is told "accepted".
            _logger.info("Channel webhook %s: concurrent import (%s), queued", channel_id, error.pgcode)
            request.env.cr.rollback()
            request.env.invalidate_all()
            channel._enqueue_records(records)
            run._close(
                {"received": len(records)},
                state="queued",
                error=_lt("A concurrent import met these orders: a queue job imports them."),  # in every language
            )
            return request.make_json_response({"queued": len(records), "run_id": run.id}, status=202)
        return request.make_json_response(result, status=200)

    @staticmethod
    def _sign(secret, body):
        return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())

    @staticmethod
    def _split(body):
        """One order object, or a JSON array of them; anything else is stored as one failing record."""
        text = body.decode("utf-8", errors="replace")
        stripped = text.lstrip()
        if stripped.startswith("["):
            try:
                items = json.loads(text)
                return [item if isinstance(item, dict) else json.dumps(item) for item in items]
            except ValueError:
                return [text]
        return [text]
