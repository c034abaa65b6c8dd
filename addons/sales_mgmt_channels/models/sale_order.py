from odoo import fields, models
from odoo.tools import float_compare, formatLang


class SaleOrder(models.Model):
    _inherit = "sale.order"

    channel_id = fields.Many2one(
        "sales.channel", "Sales Channel", index="btree_not_null", tracking=True, check_company=True, copy=False
    )
    channel_order_ref = fields.Char(
        "Channel Order Reference",
        index="btree_not_null",
        copy=False,
        help="The order's identifier in its channel: an order is imported once per channel.",
    )

    sm_channel_updated_at = fields.Datetime(
        "Updated in Channel", copy=False, readonly=True, help="Channel time of the imported version."
    )

    sm_channel_ordered_at = fields.Datetime(
        "Ordered in Channel",
        copy=False,
        readonly=True,
        help="When the buyer placed the order in its channel: the order date, also once confirmed.",
    )

    sm_channel_refunded = fields.Boolean(
        "Refunded in Channel", copy=False, readonly=True, help="The return and credit note were created."
    )

    sm_channel_paid = fields.Boolean(
        "Paid in Channel",
        copy=False,
        readonly=True,
        help="The channel collected the payment (paid, shipped or received there): the order is confirmed "
        "whatever the credit and the stock; a shortage becomes an oversell alert (set by the import only).",
    )
    sm_channel_confirm_queued = fields.Boolean(
        "Confirmation Queued",
        copy=False,
        readonly=True,
        help="Paid in its channel; a queue job is about to confirm it (the channel confirms in background).",
    )

    _channel_order_ref_uniq = models.Constraint(
        "unique(channel_id, channel_order_ref)", "This channel order has already been imported."
    )

    def _sm_protected_fields(self):
        return super()._sm_protected_fields() | {"sm_channel_paid"}

    def _sm_notify_customer(self, template_xmlid, picking=None):
        """Orders of a channel that notifies its buyers itself get no e-mail from Odoo."""
        notified = self.filtered(lambda o: not o.channel_id or o.channel_id.notify_customers)
        return super(SaleOrder, notified)._sm_notify_customer(template_xmlid, picking=picking)

    def _sm_delivered_pickings(self):
        return self.picking_ids.filtered(lambda p: p.state == "done" and p.picking_type_code == "outgoing")

    def _action_confirm(self):
        result = super()._action_confirm()
        # Odoo dates a confirmed order "now": a channel order keeps the date its buyer placed it
        for ordered_at, orders in self.filtered("sm_channel_ordered_at").grouped("sm_channel_ordered_at").items():
            orders.date_order = ordered_at
        self.filtered("sm_channel_paid")._sm_channel_oversell()
        return result

    def _sm_channel_oversell(self):
        """Paid channel orders confirmed without enough stock (sold already: never held): the
        product's stock alert is raised (critical) and the salesperson and the product's purchase
        responsible get an activity on the order."""
        Alert = self.env["sales.stock.alert"].sudo()
        for order in self:
            moves = order.picking_ids.move_ids.filtered(
                lambda m: m.state in ("confirmed", "partially_available")
                and m.location_id.usage == "internal"
                and m.product_id.is_storable
                and m.picking_type_id.reservation_method == "at_confirm"
            )
            short = {}
            for move in moves:
                missing = move.product_uom._compute_quantity(
                    move.product_uom_qty - move.quantity, move.product_id.uom_id
                )
                if float_compare(missing, 0, precision_rounding=move.product_id.uom_id.rounding) > 0:
                    short[move.product_id] = short.get(move.product_id, 0.0) + missing
            if not short:
                continue
            warehouse = order.warehouse_id
            products = self.env["product.product"].browse([p.id for p in short])
            open_alerts = Alert.search(
                [("product_id", "in", products.ids), ("warehouse_id", "=", warehouse.id), ("state", "!=", "resolved")]
            )
            known = open_alerts.product_id
            Alert._create_new_alerts(
                [
                    {
                        "product_id": product.id,
                        "warehouse_id": warehouse.id,
                        "free_qty": product.with_context(warehouse_id=warehouse.id).free_qty,
                        "forecast_qty": product.with_context(warehouse_id=warehouse.id).virtual_available,
                        "threshold": 0.0,
                        "severity": "critical",
                        "days_of_cover": 0.0,
                        "date_detected": fields.Datetime.now(),
                    }
                    for product in products - known
                ]
            )
            open_alerts.filtered(lambda a: a.severity != "critical").write({"severity": "critical"})
            users = order.channel_id._responsible_user(order)
            for product in short:
                users |= product.with_company(order.company_id).responsible_id or order.company_id.sm_purchase_user_id
            order.message_post(body=order._sm_oversold_note(short))
            for user in users:
                # in the assignee's language: texts, product and unit names, quantities
                in_lang = order.with_context(lang=user.lang or self.env.lang)
                order.activity_schedule(
                    "mail.mail_activity_data_warning",
                    summary=in_lang.env._("Oversold: replenish or tell the buyer"),
                    note=in_lang._sm_oversold_note(short),
                    user_id=user.id,
                )

    def _sm_oversold_note(self, short):
        """What a channel sold beyond the stock ({product: missing quantity}), in ``self.env``'s language."""
        self.ensure_one()
        return self.env._(
            "Sold by %(channel)s beyond the stock: %(products)s.",
            channel=self.channel_id.name,
            products=", ".join(
                self.env._(
                    "%(product)s %(qty)s %(uom)s missing",
                    product=product.with_env(self.env).display_name,
                    qty=formatLang(self.env, qty, dp="Product Unit"),
                    uom=product.uom_id.with_env(self.env).name,
                )
                for product, qty in short.items()
            ),
        )
