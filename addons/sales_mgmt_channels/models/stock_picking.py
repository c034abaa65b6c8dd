from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import identity_exact
from odoo.addons.sales_mgmt_core.tools.messages import render

from ..adapters import AdapterError, Fulfilment, get_adapter
from ..tools.http_client import RETRY_STATUSES, ChannelHTTPError


class StockPicking(models.Model):
    _inherit = "stock.picking"

    sm_fulfilment_state = fields.Selection(
        [("queued", "Queued"), ("pushed", "Sent to Channel"), ("failed", "Failed")],
        string="Channel Fulfilment",
        copy=False,
        readonly=True,
        tracking=True,
        help="Carrier and tracking number sent back to the order's Shopify or WooCommerce channel.",
    )

    def _action_done(self):
        result = super()._action_done()
        self._sm_queue_fulfilment()
        return result

    def _sm_fulfilment_pickings(self):
        """Validated customer deliveries of channel orders whose channel takes fulfilments."""
        return self.filtered(
            lambda p: p.state == "done"
            and p.picking_type_code == "outgoing"
            and p.sale_id.channel_id.push_fulfilment
            and p.sale_id.channel_id.fulfilment_mode == "odoo"
            and p.sale_id.channel_order_ref
            and get_adapter(p.sale_id.channel_id.channel_type).can_push_fulfilment
        )

    def _sm_queue_fulfilment(self):
        pickings = self._sm_fulfilment_pickings()
        for picking in pickings:
            picking.with_delay(
                channel="root.sales_channel",
                identity_key=identity_exact,
                max_retries=10,
                description=self.env._("Send shipment %s to its channel", picking.name),
            )._sm_job_push_fulfilment()
        pickings.sm_fulfilment_state = "queued"

    def _prepare_sm_fulfilment(self):
        return Fulfilment(
            carrier=self.carrier_id.name or "",
            tracking_number=self.carrier_tracking_ref or "",
            tracking_url=self.carrier_tracking_url or "",
        )

    def _sm_job_push_fulfilment(self):
        """Queue job: send carrier and tracking number; transient channel errors are retried."""
        self.ensure_one()
        order = self.sale_id
        adapter = order.channel_id._adapter()
        try:
            with adapter.client:
                result = adapter.push_fulfilment(order.channel_order_ref, self._prepare_sm_fulfilment())
        except ChannelHTTPError as error:
            if error.status is None or error.status in RETRY_STATUSES:
                raise RetryableJobError(str(error), seconds=300) from error
            return self._sm_fulfilment_failed(render(error, self.env))
        except AdapterError as error:
            return self._sm_fulfilment_failed(render(error, self.env))
        self.sm_fulfilment_state = "pushed"
        order.message_post(
            body=self.env._(
                "Shipment %(picking)s sent to %(channel)s.", picking=self.name, channel=order.channel_id.name
            )
        )
        return str(result)

    def _sm_fulfilment_failed(self, message):
        """A refusal that retrying will not change (unknown order, invalid data): shown on the
        delivery with an activity for the salesperson; *Send to Channel* queues it again."""
        self.sm_fulfilment_state = "failed"
        self.message_post(body=self.env._("The channel refused the shipment: %s", message))
        user = self.sale_id.user_id or self.env.user
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.with_context(lang=user.lang or self.env.lang).env._("Shipment not accepted by the channel"),
            note=message,
            user_id=user.id,
        )
        return f"failed: {message}"

    def action_sm_push_fulfilment(self):
        """Send (again) the shipment to the channel, e.g. after fixing the tracking number."""
        pickings = self._sm_fulfilment_pickings()
        if not pickings:
            raise UserError(self.env._("None of these deliveries belongs to a channel that takes shipments."))
        pickings._sm_queue_fulfilment()
        return True
