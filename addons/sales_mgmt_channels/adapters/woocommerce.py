"""WooCommerce REST API v3: ``GET /wp-json/wc/v3/orders`` with the consumer key/secret,
``page``/``per_page`` and ``modified_after``; fulfilment = status *completed* + a customer note.

Amounts: line ``subtotal``/``total`` and ``price`` are tax-exclusive whatever the shop shows;
the order's ``prices_include_tax`` says how the shop shows prices. When it does, the normalised
unit prices, discounts and shipping include their tax (``subtotal + subtotal_tax`` ...), so that
the order reads as the buyer saw it and its total checks either way.
"""

import html
from decimal import Decimal

from odoo.tools.translate import LazyTranslate

from ..tools.http_client import UnreadableBody
from ..tools.normalise import PayloadError, describe
from .base import Adapter, AdapterError, amount, money, obj, objs, utc_iso

_lt = LazyTranslate(__name__, default_lang="en_US")

STATUSES = {
    "pending": "pending",  # awaiting payment
    "on-hold": "pending",  # awaiting a payment the shop must confirm (bank transfer, cheque)
    "failed": "pending",  # payment failed or declined: the buyer may pay again
    "checkout-draft": "pending",  # block checkout not finished
    "processing": "paid",  # payment received, to be shipped
    "completed": "shipped",  # fulfilled
    "cancelled": "cancelled",
    "trash": "cancelled",
    "refunded": "refunded",
}
#: consecutive unreadable pages after which the pull stops (the server is broken, not one page)
MAX_BAD_PAGES = 3
SIX_PLACES = Decimal("0.000001")
#: "Shipment Tracking" extension (woocommerce.com) meta key holding the shipments
TRACKING_META = "_wc_shipment_tracking_items"


class WooCommerceAdapter(Adapter):
    code = "woocommerce"
    can_push_fulfilment = True
    max_pages = 10000

    def url(self, path):
        return f"{self.config.base_url.rstrip('/')}/wp-json/wc/v3/{path}"

    @property
    def auth(self):
        return (self.config.api_key, self.config.api_secret)

    def fetch(self, since, until):
        """Pages of orders; a page that stays unreadable is yielded as a BadPage and the next page
        is still asked for (page numbers do not depend on the body)."""
        params = {
            "per_page": min(self.config.page_size, 100),
            "orderby": "modified",
            "order": "asc",
            "modified_before": utc_iso(until),
            "dates_are_gmt": "true",
        }
        if since:
            params["modified_after"] = utc_iso(since)
        total_pages, bad_in_a_row = None, 0
        for page in range(1, self.max_pages + 1):
            request = {"url": self.url("orders"), "params": {**params, "page": page}}
            try:
                orders, response = self.client.request_json(
                    "GET", request["url"], params=request["params"], auth=self.auth
                )
            except UnreadableBody as error:
                bad_in_a_row += 1
                yield self.bad_page(error, request, resumable=bad_in_a_row < MAX_BAD_PAGES)
                if bad_in_a_row >= MAX_BAD_PAGES or (total_pages and page >= total_pages):
                    return
                continue
            bad_in_a_row = 0
            if not isinstance(orders, list):
                raise AdapterError(not_a_list(orders))
            if not orders:
                return
            yield orders
            header = response.headers.get("X-WP-TotalPages")
            total_pages = int(header) if header and header.isdigit() else total_pages
            if total_pages and page >= total_pages:
                return
        raise AdapterError(
            _lt("WooCommerce returned more than %(count)s pages; lower the sync interval.", count=self.max_pages)
        )

    def refetch(self, request):
        orders, _response = self.client.request_json("GET", request["url"], params=request["params"], auth=self.auth)
        if not isinstance(orders, list):
            raise AdapterError(not_a_list(orders))
        return orders

    def test_connection(self):
        orders, response = self.client.request_json("GET", self.url("orders"), params={"per_page": 1}, auth=self.auth)
        if not isinstance(orders, list):
            raise AdapterError(_lt("The address answers, but not as the WooCommerce REST API (wc/v3)."))
        total = response.headers.get("X-WP-Total") or len(orders)
        return _lt("Connected to WooCommerce: %(count)s orders in the shop.", count=total)

    def updated_at(self, raw):
        return gmt(raw.get("date_modified_gmt"))

    @staticmethod
    def _address(address, email_phone=True):
        if not address:
            return None
        name = " ".join(p for p in (address.get("first_name"), address.get("last_name")) if p)
        return {
            "name": name or address.get("company"),
            "street": address.get("address_1"),
            "street2": address.get("address_2"),
            "city": address.get("city"),
            "zip": address.get("postcode"),
            "state_code": address.get("state"),
            "country_code": address.get("country"),
            "phone": address.get("phone") if email_phone else "",
        }

    @staticmethod
    def _rates(raw, tax_lines):
        """rate id -> percent: ``rate_percent`` (WooCommerce 3.7+), else the tax over the taxed amounts."""
        rates, taxed = {}, {}
        for item in objs(raw, "line_items") + objs(raw, "shipping_lines"):
            for tax in objs(item, "taxes", "line taxes"):
                base, due = taxed.get(tax.get("id"), (Decimal(0), Decimal(0)))
                taxed[tax.get("id")] = (
                    base + amount(item.get("total"), "line total"),
                    due + amount(tax.get("total"), "line tax total"),
                )
        for tax in tax_lines:
            if tax.get("rate_percent") not in (None, ""):
                rates[tax.get("rate_id")] = str(amount(tax["rate_percent"], "tax_lines rate_percent"))
            else:
                base, due = taxed.get(tax.get("rate_id"), (Decimal(0), Decimal(0)))
                rates[tax.get("rate_id")] = str((due * 100 / base).quantize(Decimal("0.01"))) if base else "0"
        return rates

    def _lines(self, raw, rates, gross):
        items = raw.get("line_items")
        if items is not None and not isinstance(items, list):
            raise PayloadError(
                [_lt("%(label)s must be a list of objects (got %(got)s)", label="line_items", got=describe(items))]
            )
        lines = []
        for item in objs(raw, "line_items"):
            subtotal, total = amount(item.get("subtotal"), "line subtotal"), amount(item.get("total"), "line total")
            tax = amount(item.get("total_tax"), "line total_tax")
            if gross:  # the shop shows prices with tax: so does the order
                subtotal += amount(item.get("subtotal_tax"), "line subtotal_tax")
                total += tax
            quantity = amount(item.get("quantity"), "line quantity")
            unit = subtotal / quantity if quantity else subtotal
            lines.append(
                {
                    "id": item.get("id"),
                    "sku": item.get("sku") or (f"product:{item['product_id']}" if item.get("product_id") else None),
                    # the API sends product names HTML-encoded ("&ndash;"): decoded, not altered
                    "name": html.unescape(item["name"]) if isinstance(item.get("name"), str) else item.get("name"),
                    "quantity": item.get("quantity"),
                    "unit_price": str(unit.quantize(SIX_PLACES)),
                    "discount": str(subtotal - total),
                    "tax_rates": [
                        rates[t.get("id")] for t in objs(item, "taxes", "line taxes") if t.get("id") in rates
                    ],
                    "tax": str(tax),
                }
            )
        return lines

    @staticmethod
    def _fulfilments(raw):
        """Shipment Tracking items when the shop has that extension; else one fulfilment of
        everything when the order is completed."""
        for meta in objs(raw, "meta_data"):
            if meta.get("key") == TRACKING_META and isinstance(meta.get("value"), list):
                return [
                    {
                        "ref": item.get("tracking_id"),
                        "carrier": item.get("custom_tracking_provider") or item.get("tracking_provider"),
                        "tracking_ref": item.get("tracking_number"),
                        "shipped_at": int(item["date_shipped"]) if str(item.get("date_shipped")).isdigit() else None,
                    }
                    for item in meta["value"]
                    if isinstance(item, dict)
                ]
        if raw.get("status") == "completed":
            return [{"ref": f"{raw.get('id')}-completed", "shipped_at": raw.get("date_completed_gmt") or None}]
        return []

    def _normalise(self, raw):
        billing = obj(raw, "billing")
        gross = raw.get("prices_include_tax")
        gross = gross if isinstance(gross, bool) else None
        tax_lines = objs(raw, "tax_lines")
        rates = self._rates(raw, tax_lines)
        address = self._address(billing)
        shipping = self._address(obj(raw, "shipping"), email_phone=False)
        if shipping and not any(v for k, v in shipping.items() if k != "country_code"):
            shipping = None
        shipping_tax = amount(raw.get("shipping_tax"), "shipping_tax")
        fees = objs(raw, "fee_lines")
        fee_total = sum((amount(fee.get("total"), "fee total") for fee in fees), Decimal(0))
        fee_tax = sum((amount(fee.get("total_tax"), "fee total_tax") for fee in fees), Decimal(0))
        shipping_amount = amount(raw.get("shipping_total"), "shipping_total") + fee_total
        if gross:
            shipping_amount += shipping_tax + fee_tax
        return {
            "id": raw.get("id"),
            "name": raw.get("number"),
            "created_at": gmt(raw.get("date_created_gmt")),
            "updated_at": self.updated_at(raw),
            "status": STATUSES.get(raw.get("status"), "pending"),
            "currency": raw.get("currency"),
            "prices_include_tax": gross,
            "customer": {
                "id": raw.get("customer_id") or None,  # 0 = guest: matched by e-mail / phone
                "name": (address or {}).get("name") or billing.get("email"),
                "email": billing.get("email"),
                "phone": billing.get("phone"),
                "address": address,
            },
            "shipping_address": shipping,
            "lines": self._lines(raw, rates, gross),
            "shipping": str(shipping_amount),
            "shipping_tax": str(shipping_tax + fee_tax),
            "shipping_tax_rates": list(
                dict.fromkeys(
                    rates[tax.get("id")]
                    for item in objs(raw, "shipping_lines") + fees
                    for tax in objs(item, "taxes", "shipping taxes")
                    if tax.get("id") in rates and amount(tax.get("total"), "shipping tax total")
                )
            ),
            # WooCommerce always reports the order's tax ("0.00" when none): the order states its taxes
            "tax": money(raw.get("total_tax")),
            "tax_lines": [
                {
                    "rate": rates.get(tax.get("rate_id")),
                    "amount": str(
                        amount(tax.get("tax_total"), "tax_lines tax_total")
                        + amount(tax.get("shipping_tax_total"), "tax_lines shipping_tax_total")
                    ),
                    "name": tax.get("label"),
                    "ref": tax.get("rate_id"),
                }
                for tax in tax_lines
            ],
            "total": money(raw.get("total")),
            "fulfilments": self._fulfilments(raw),
            "note": raw.get("customer_note"),
        }

    def push_fulfilment(self, order_ref, fulfilment):
        note = "Shipped"
        if fulfilment.carrier:
            note += f" with {fulfilment.carrier}"
        if fulfilment.tracking_number:
            note += f", tracking number {fulfilment.tracking_number}"
        if fulfilment.tracking_url:
            note += f" ({fulfilment.tracking_url})"
        # Status first: setting it again on a retry is harmless.
        body, _response = self.client.request_json(
            "PUT", self.url(f"orders/{order_ref}"), json={"status": "completed"}, auth=self.auth
        )
        self.client.request_json(
            "POST",
            self.url(f"orders/{order_ref}/notes"),
            json={"note": note + ".", "customer_note": True},
            auth=self.auth,
        )
        return {"status": (body or {}).get("status")}


def gmt(moment):
    """WooCommerce's ``*_gmt`` dates (ISO without offset, UTC) as ISO UTC text."""
    return f"{moment}Z" if isinstance(moment, str) and moment and not moment.endswith("Z") else moment


def not_a_list(orders):
    return _lt("WooCommerce answered %(got)s instead of a list of orders.", got=describe(orders))
