"""WooCommerce REST API v3: ``GET /wp-json/wc/v3/orders`` with the consumer key/secret,
``page``/``per_page`` and ``modified_after``; fulfilment = status *completed* + a customer note."""

from decimal import Decimal, InvalidOperation

from .base import Adapter, AdapterError, money, utc_iso

STATUSES = {
    "processing": "paid",
    "completed": "paid",
    "cancelled": "cancelled",
    "failed": "cancelled",
    "trash": "cancelled",
    "refunded": "refunded",
}


def _decimal(value):
    try:
        return Decimal(str(value or 0))
    except InvalidOperation:
        return Decimal(0)


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
        params = {
            "per_page": min(self.config.page_size, 100),
            "orderby": "modified",
            "order": "asc",
            "modified_before": utc_iso(until),
            "dates_are_gmt": "true",
        }
        if since:
            params["modified_after"] = utc_iso(since)
        for page in range(1, self.max_pages + 1):
            orders, response = self.client.request_json(
                "GET", self.url("orders"), params={**params, "page": page}, auth=self.auth
            )
            if not isinstance(orders, list):
                raise AdapterError("WooCommerce answered something that is not a list of orders.")
            if not orders:
                return
            yield orders
            total_pages = response.headers.get("X-WP-TotalPages")
            if total_pages and total_pages.isdigit() and page >= int(total_pages):
                return
        raise AdapterError(f"WooCommerce returned more than {self.max_pages} pages; lower the sync interval.")

    def updated_at(self, raw):
        moment = raw.get("date_modified_gmt")
        return f"{moment}Z" if moment and not moment.endswith("Z") else moment

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

    def normalise(self, raw):
        billing = raw.get("billing") or {}
        lines = []
        for item in raw.get("line_items") or []:
            subtotal, total = _decimal(item.get("subtotal")), _decimal(item.get("total"))
            quantity = item.get("quantity")
            unit = subtotal / _decimal(quantity) if _decimal(quantity) else subtotal
            lines.append(
                {
                    "id": item.get("id"),
                    "sku": item.get("sku"),
                    "name": item.get("name"),
                    "quantity": quantity,
                    "unit_price": str(unit.quantize(Decimal("0.000001"))),
                    "discount": str(subtotal - total),
                }
            )
        address = self._address(billing)
        shipping = self._address(raw.get("shipping"), email_phone=False)
        if shipping and not any(v for k, v in shipping.items() if k != "country_code"):
            shipping = None
        fees = sum((_decimal(fee.get("total")) for fee in raw.get("fee_lines") or []), Decimal(0))
        return {
            "id": raw.get("id"),
            "updated_at": self.updated_at(raw),
            "status": STATUSES.get(raw.get("status"), "pending"),
            "currency": raw.get("currency"),
            "customer": {
                "id": raw.get("customer_id") or None,  # 0 = guest: matched by e-mail / phone
                "name": (address or {}).get("name") or billing.get("email"),
                "email": billing.get("email"),
                "phone": billing.get("phone"),
                "address": address,
            },
            "shipping_address": shipping,
            "lines": lines,
            "shipping": str(_decimal(raw.get("shipping_total")) + fees),
            "tax": money(raw.get("total_tax")),
            "total": money(raw.get("total")),
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
