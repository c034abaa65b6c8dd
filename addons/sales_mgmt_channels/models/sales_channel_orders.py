import logging
from decimal import Decimal

from odoo import Command, models
from odoo.tools import float_repr, plaintext2html
from odoo.tools.translate import LazyGettext, LazyTranslate

from odoo.addons.sales_mgmt_core.tools.messages import TranslatableUserError

_logger = logging.getLogger(__name__)
# Errors of an import are stored on its record in every language (the reader's, not the importer's).
_lt = LazyTranslate(__name__, default_lang="en_US")
# Key the adapters give an order line without SKU: the prefix and the item's title (Shopify's custom items).
CUSTOM_ITEM_PREFIX = "custom:"


class SalesChannel(models.Model):
    """Odoo order values of a normalised order: currency, pricelist, lines, products, taxes."""

    _inherit = "sales.channel"  # pylint: disable=consider-merging-classes-inherited

    def _prepare_order(self, data, partner, products=None, line_defaults=None):
        currency = self._currency(data.currency)
        pricelist = self.pricelist_id
        if not pricelist or pricelist.currency_id != currency:
            pricelist = self._pricelist(currency)
        shipping_partner = self._delivery_address(partner, data.shipping_address) if data.shipping_address else partner
        vals = {
            "partner_id": partner.id,
            "partner_shipping_id": shipping_partner.id,
            "company_id": self.company_id.id,
            "channel_id": self.id,
            "channel_order_ref": data.ref,
            "sm_channel_updated_at": data.updated_at,
            # When the buyer placed it in the channel; kept through Odoo's confirmation (see sale.order)
            "date_order": data.created_at or data.updated_at,
            "sm_channel_ordered_at": data.created_at or data.updated_at,
            # The buyer's note is text: shown as typed, never read as HTML.
            "note": plaintext2html(data.note) if data.note else False,
            "order_line": self._prepare_lines(data, products, line_defaults),
        }
        # Unset channel settings leave Odoo's defaults (the partner's pricelist, the company's warehouse...).
        for fname, value in (
            ("pricelist_id", pricelist),
            ("fiscal_position_id", self.fiscal_position_id),
            ("warehouse_id", self.warehouse_id),
        ):
            if value:
                vals[fname] = value.id
        vals.update(self._prepare_order_salesperson(partner))
        return vals

    def _prepare_order_salesperson(self, partner):
        """Salesperson and team of a new order: the channel's salesperson, else the customer's own
        (Odoo's rule for a customer with an account manager), else none; never whoever runs the
        import (an integration user, or OdooBot for scheduled pulls and queue jobs), which Odoo's
        defaults would give. The team: the channel's, else the salesperson's (Odoo's rule), else none."""
        user = self.user_id or partner.user_id or partner.commercial_partner_id.user_id
        vals = {"user_id": user.id}
        if self.team_id:
            vals["team_id"] = self.team_id.id
        elif not user:
            vals["team_id"] = False  # Odoo would take the importing user's team
        return vals

    def _currency(self, code):
        """The currency the buyer paid in, activated when it is not yet."""
        currency = self.env["res.currency"].with_context(active_test=False).search([("name", "=", code)], limit=1)
        if not currency:
            raise TranslatableUserError(_lt("Unknown currency %s.", code), self.env)
        if not currency.active:
            currency.sudo().active = True
            _logger.info("Channel %s: currency %s activated for its orders", self.id, code)
        return currency

    def _pricelist(self, currency):
        """A pricelist in ``currency`` for the channel's company, created when there is none."""
        pricelist = self.env["product.pricelist"].search(
            [("currency_id", "=", currency.id), ("company_id", "in", [False, self.company_id.id])], limit=1
        )
        if not pricelist and currency != self.company_id.currency_id:
            pricelist = (
                self.env["product.pricelist"]
                .sudo()
                .create(
                    {
                        "name": self.name,  # Odoo shows the currency after it
                        "currency_id": currency.id,
                        "company_id": self.company_id.id,
                    }
                )
            )
        return pricelist

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
        includes = self.prices_include_tax if data.prices_include_tax is None else data.prices_include_tax
        from_channel = data.taxes_from_channel
        lines = []
        for line in data.lines:
            product = products.get(line.sku)
            if isinstance(product, LazyGettext):
                raise TranslatableUserError(product, self.env)
            gross = line.quantity * line.unit_price
            discount = float(line.discount / gross * 100) if gross else 0.0
            taxes = self._line_taxes(product, line.tax_rates, from_channel)
            self._check_included_taxes(data, taxes)
            lines.append(
                Command.create(
                    {
                        **line_defaults,
                        "product_id": product.id,
                        "name": line.name or product.display_name,
                        "product_uom_qty": float(line.quantity),
                        "price_unit": self._price_excluding_tax(product, line.unit_price, taxes, includes),
                        "discount": discount,
                        "tax_ids": [Command.set(taxes.ids)],
                        "channel_line_ref": line.ref,
                    }
                )
            )
        if data.shipping:
            if not self.shipping_product_id:
                raise TranslatableUserError(
                    _lt("The order has shipping costs: set the channel's shipping product."), self.env
                )
            rates, approximate = data.shipping_tax_rates, False
            if from_channel and not rates and data.shipping_tax:
                # The order gives the shipping's tax but not its rate: the rate of that tax on the net shipping
                net = data.shipping - data.shipping_tax if includes else data.shipping
                rates = [(data.shipping_tax / net * 100).quantize(Decimal("0.01"))] if net > 0 else []
                approximate = True
            taxes = self._line_taxes(self.shipping_product_id, rates, from_channel, approximate=approximate)
            self._check_included_taxes(data, taxes)
            lines.append(
                Command.create(
                    {
                        **line_defaults,
                        "product_id": self.shipping_product_id.id,
                        "product_uom_qty": 1,
                        "price_unit": self._price_excluding_tax(
                            self.shipping_product_id, data.shipping, taxes, includes
                        ),
                        "tax_ids": [Command.set(taxes.ids)],
                        "channel_line_ref": "shipping",
                    }
                )
            )
        return lines

    def _check_included_taxes(self, data, taxes):
        """An order that says its prices include tax without saying which (Taobao) gets the taxes of
        the channel's fiscal position; without one, the products' own taxes would be taken out of the
        paid prices on a guess: the record fails and says what to set."""
        if data.prices_include_tax and not data.taxes_from_channel and not self.fiscal_position_id:
            added = taxes.filtered(lambda t: not t.price_include)
            if added:
                raise TranslatableUserError(
                    _lt(
                        "The channel's prices include tax but the order does not say which: set the channel's "
                        "fiscal position to the taxes its prices include (the products' taxes %(taxes)s would be "
                        "a guess), then retry.",
                        taxes=", ".join(added.mapped("name")),
                    ),
                    self.env,
                )

    def _line_taxes(self, product, rates, from_channel, approximate=False):
        """The Odoo taxes of a line. When the channel's taxes decide (``from_channel``: the order states
        its rates, or a tax of zero), the line's rates through the channel's tax map (no rate, or 0 %,
        is no tax); otherwise the product's taxes through the channel's fiscal position."""
        if not from_channel:
            taxes = product.taxes_id.filtered(lambda t: t.company_id == self.company_id)
            return self.fiscal_position_id.map_tax(taxes) if self.fiscal_position_id else taxes
        taxes = self.env["account.tax"]
        for rate in rates:
            mapping = self.tax_map_ids.filtered(
                lambda m, rate=rate: abs(m.rate - float(rate)) < (0.05 if approximate else 0.00005)
            )[:1]
            if mapping:
                taxes |= mapping.tax_id
            elif rate:
                raise TranslatableUserError(
                    _lt(
                        "The channel's tax rate %(rate)s%% has no Odoo tax: map it on the channel (Tax Rates), "
                        "then retry.",
                        rate=rate.normalize() if isinstance(rate, Decimal) else rate,
                    ),
                    self.env,
                )
        return taxes

    def _price_excluding_tax(self, product, price, taxes, includes):
        """The unit price Odoo's line takes. Tax-included channel prices: the line's percentage taxes
        that Odoo adds on top are taken out (taxes that are themselves price-included stay)."""
        added = taxes.filtered(lambda t: not t.price_include)
        if not includes or not added:
            return float(price)
        if any(t.amount_type != "percent" for t in added):
            raise TranslatableUserError(
                _lt(
                    "%s has taxes that are not percentages: tax-included channel prices cannot be converted.",
                    product.display_name,
                ),
                self.env,
            )
        return float(price) / (1 + sum(added.mapped("amount")) / 100)

    def _check_amounts(self, order, data):
        """The Odoo order's tax and total are the channel's, to the cent: a total within the order's
        tolerance (per-field currency conversion) is accepted and the difference noted on the order.
        The tax is checked when the order states it; both messages give the tax and total figures."""
        currency = order.currency_id
        checks_tax = data.tax_stated or data.states_rates
        tax_difference = currency.round(order.amount_tax - float(data.tax)) if checks_tax else 0.0
        difference = currency.round(order.amount_total - float(data.total))
        tolerance = float(data.total_tolerance or 0)
        tax_wrong = checks_tax and not currency.is_zero(tax_difference)
        if not tax_wrong and (currency.is_zero(difference) or abs(difference) <= tolerance + currency.rounding / 2):
            if not currency.is_zero(difference):
                order.message_post(
                    body=self.env._(
                        "Total %(channel)s %(currency)s in the channel, %(odoo)s in Odoo: the difference of "
                        "%(diff)s is accepted (within %(tolerance)s: the channel converts each amount separately).",
                        channel=float(data.total),
                        currency=currency.name,
                        odoo=currency.round(order.amount_total),
                        diff=difference,
                        tolerance=tolerance,
                    )
                )
            return

        def amount(value):
            return f"{float_repr(currency.round(float(value)), currency.decimal_places)} {currency.name}"

        if checks_tax:
            figures = _lt(
                "Tax %(channel_tax)s in the channel, %(odoo_tax)s in Odoo (difference %(tax_diff)s); "
                "total %(channel)s in the channel, %(odoo)s in Odoo (difference %(diff)s).",
                channel_tax=amount(data.tax),
                odoo_tax=amount(order.amount_tax),
                tax_diff=amount(tax_difference),
                channel=amount(data.total),
                odoo=amount(order.amount_total),
                diff=amount(difference),
            )
        else:
            figures = _lt(
                "Total %(channel)s in the channel, %(odoo)s in Odoo (difference %(diff)s), of which %(odoo_tax)s of "
                "tax added by Odoo; the order does not state its tax.",
                channel=amount(data.total),
                odoo=amount(order.amount_total),
                diff=amount(difference),
                odoo_tax=amount(order.amount_tax),
            )
        if tax_wrong:
            advice = _lt(
                "Map the channel's tax rates to Odoo taxes on the channel, or check its fiscal position and "
                "the products' taxes."
            )
        elif not checks_tax and not currency.is_zero(order.amount_tax) and not self.fiscal_position_id:
            advice = _lt(
                "If the channel's prices include tax, tick Prices Include Tax on the channel and set its fiscal "
                "position to the taxes its prices include; otherwise check the products' taxes and discounts."
            )
        else:
            advice = _lt("Check taxes, discounts and the channel's tax setting.")
        raise TranslatableUserError(_lt("%(figures)s %(advice)s", figures=figures, advice=advice), self.env)

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
                    result[sku] = _lt("SKU %s matches several products: map it on the channel.", sku)
                else:
                    result[sku] = products[0]
        for sku in skus:
            if sku.startswith(CUSTOM_ITEM_PREFIX):  # an item without SKU, keyed by its title (adapters)
                result.setdefault(
                    sku,
                    _lt(
                        "The item “%(title)s” has no SKU on the channel: map the key %(key)s to a product on the "
                        "channel (Products tab), then retry.",
                        title=sku.removeprefix(CUSTOM_ITEM_PREFIX),
                        key=sku,
                    ),
                )
            result.setdefault(sku, _lt("Unknown SKU %s: map it to a product on the channel, then retry.", sku))
        return result
