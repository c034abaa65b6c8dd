"""Shopify Admin GraphQL API: ``orders`` with cursor pagination and an ``updated_at`` filter,
throttled by the query cost the answers report; fulfilments with ``fulfillmentCreate``."""

import logging
from decimal import Decimal

from odoo.tools.translate import LazyTranslate

from ..tools.http_client import UnreadableBody
from ..tools.normalise import PayloadError, describe
from .base import Adapter, AdapterError, amount, money, obj, objs, utc_iso

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__, default_lang="en_US")
THROTTLED = _lt("Shopify kept throttling the orders query; try again later.")

API_VERSION = "2025-10"
MONEY = "shopMoney { amount currencyCode } presentmentMoney { amount currencyCode }"
TAX_LINES = f"taxLines {{ title rate ratePercentage priceSet {{ {MONEY} }} }}"
ORDERS_QUERY = f"""
query SalesMgmtOrders($first: Int!, $after: String, $query: String) {{
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{
      id legacyResourceId name createdAt updatedAt cancelledAt displayFinancialStatus displayFulfillmentStatus
      currencyCode presentmentCurrencyCode taxesIncluded email phone note
      totalPriceSet {{ {MONEY} }}
      totalShippingPriceSet {{ {MONEY} }}
      totalTaxSet {{ {MONEY} }}
      {TAX_LINES}
      customer {{ id firstName lastName email phone }}
      billingAddress {{ name address1 address2 city zip provinceCode countryCodeV2 phone }}
      shippingAddress {{ name address1 address2 city zip provinceCode countryCodeV2 phone }}
      shippingLines(first: 20) {{
        nodes {{ title code originalPriceSet {{ {MONEY} }} discountedPriceSet {{ {MONEY} }} {TAX_LINES} }}
      }}
      lineItems(first: 250) {{
        nodes {{
          id sku name quantity
          variant {{ legacyResourceId sku }}
          originalUnitPriceSet {{ {MONEY} }}
          discountAllocations {{ allocatedAmountSet {{ {MONEY} }} }}
          {TAX_LINES}
        }}
      }}
      fulfillments(first: 20) {{
        id name status createdAt
        trackingInfo(first: 5) {{ company number url }}
        fulfillmentLineItems(first: 250) {{ nodes {{ quantity lineItem {{ id }} }} }}
      }}
    }}
  }}
}}
"""
SHOP_QUERY = "query SalesMgmtShop { shop { name currencyCode } }"
#: financial statuses of an order the buyer has paid (PARTIALLY_REFUNDED: paid, part given back)
PAID = {"PAID", "PARTIALLY_REFUNDED"}
SHIPPED = {"FULFILLED", "PARTIALLY_FULFILLED"}
#: fulfilments that did not ship anything
NOT_SHIPPED = {"CANCELLED", "ERROR", "FAILURE"}
FULFILMENT_ORDERS_QUERY = """
query SalesMgmtFulfilmentOrders($id: ID!) {
  order(id: $id) { fulfillmentOrders(first: 20) { nodes { id status } } }
}
"""
FULFILMENT_MUTATION = """
mutation SalesMgmtFulfil($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status }
    userErrors { field message }
  }
}
"""
OPEN_FULFILMENT_STATES = {"OPEN", "IN_PROGRESS", "SCHEDULED"}


class ShopifyAdapter(Adapter):
    code = "shopify"
    can_push_fulfilment = True
    max_throttle_retries = 5

    @property
    def endpoint(self):
        version = self.config.options.get("api_version") or API_VERSION
        return f"{self.config.base_url.rstrip('/')}/admin/api/{version}/graphql.json"

    def graphql(self, query, variables):
        """``data`` of a GraphQL call; waits when Shopify reports the bucket is short of points.
        A body that stays unreadable raises the client's UnreadableBody."""
        headers = {"X-Shopify-Access-Token": self.config.access_token, "Content-Type": "application/json"}
        for attempt in range(1, self.max_throttle_retries + 2):
            body, _response = self.client.request_json(
                "POST", self.endpoint, json={"query": query, "variables": variables}, headers=headers
            )
            if not isinstance(body, dict):
                raise AdapterError(_lt("Shopify answered something that is not a GraphQL response."))
            cost = (body.get("extensions") or {}).get("cost") or {}
            errors = body.get("errors") or []
            throttled = any((e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors)
            if throttled:
                if attempt > self.max_throttle_retries:
                    raise AdapterError(THROTTLED)
                self.client.sleep(self.throttle_wait(cost, throttled=True))
                continue
            if errors:
                messages = "; ".join(str(e.get("message")) for e in errors)
                raise AdapterError(
                    _lt("Shopify refused the query: %(messages)s", messages=self.client.redact(messages))
                )
            wait = self.throttle_wait(cost)
            if wait:
                self.client.sleep(wait)
            return body.get("data") or {}
        raise AdapterError(THROTTLED)  # pragma: no cover

    @staticmethod
    def throttle_wait(cost, throttled=False):
        """Seconds until the bucket holds enough points for another query of the same cost."""
        status = cost.get("throttleStatus") or {}
        available = float(status.get("currentlyAvailable") or 0)
        rate = float(status.get("restoreRate") or 50) or 50
        needed = float(cost.get("requestedQueryCost") or (100 if throttled else 0))
        if throttled or available < needed:
            return max(needed - available, 1.0) / rate
        return 0.0

    def fetch(self, since, until):
        search = [f"updated_at:<='{utc_iso(until)}'"]
        if since:
            search.insert(0, f"updated_at:>='{utc_iso(since)}'")
        variables = {"first": min(self.config.page_size, 250), "after": None, "query": " AND ".join(search)}
        while True:
            try:
                orders = (self.graphql(ORDERS_QUERY, variables).get("orders")) or {}
            except UnreadableBody as error:
                # the next cursor is in the body that did not parse: paging stops here
                yield self.bad_page(error, {"url": self.endpoint, "variables": dict(variables)}, resumable=False)
                return
            nodes = orders.get("nodes") or []
            if not isinstance(nodes, list):
                raise AdapterError(_lt("Shopify answered orders that are not a list."))
            if nodes:
                yield nodes
            page = orders.get("pageInfo") or {}
            if not page.get("hasNextPage") or not page.get("endCursor"):
                return
            variables["after"] = page["endCursor"]

    def updated_at(self, raw):
        return raw.get("updatedAt")

    def refetch(self, request):
        """The orders of a stored bad page's ``request`` (its variables), fetched again."""
        orders = (self.graphql(ORDERS_QUERY, request["variables"]).get("orders")) or {}
        return orders.get("nodes") or []

    def test_connection(self):
        shop = self.graphql(SHOP_QUERY, {}).get("shop") or {}
        if not shop:
            raise AdapterError(_lt("Shopify answered without the shop: check the access token's scopes."))
        return _lt(
            "Connected to the Shopify shop %(shop)s (%(currency)s).",
            shop=str(shop.get("name")),
            currency=str(shop.get("currencyCode")),
        )

    @staticmethod
    def status(raw):
        """pending / paid / shipped / cancelled / refunded from the financial and fulfilment statuses."""
        financial = raw.get("displayFinancialStatus")
        if financial == "REFUNDED":
            return "refunded"
        if raw.get("cancelledAt") or financial == "VOIDED":
            return "cancelled"
        if financial not in PAID:
            return "pending"  # PENDING, AUTHORIZED, PARTIALLY_PAID, EXPIRED: not collected
        return "shipped" if raw.get("displayFulfillmentStatus") in SHIPPED else "paid"

    def _amount(self, value):
        """The amount of a MoneyBag in the buyer's currency (``shopMoney`` in shop-currency mode)."""
        value = value or {}
        side = value.get("shopMoney") if self.config.use_shop_currency else value.get("presentmentMoney")
        return money((side or value.get("shopMoney") or {}).get("amount"))

    def _sum(self, bags, label="amount"):
        return str(sum((amount(self._amount(bag), label) for bag in bags), Decimal(0)))

    def _taxes(self, tax_lines):
        """(percent rates, amount) of a list of Shopify TaxLines."""
        rates = [self._rate(tax) for tax in tax_lines or []]
        return [rate for rate in rates if rate is not None], self._sum(t.get("priceSet") for t in tax_lines or [])

    @staticmethod
    def _rate(tax):
        if tax.get("ratePercentage") is not None:
            return str(Decimal(str(tax["ratePercentage"])).normalize())
        if tax.get("rate") is not None:
            return str((Decimal(str(tax["rate"])) * 100).normalize())
        return None

    @staticmethod
    def _address(address):
        if not address:
            return None
        return {
            "name": address.get("name"),
            "street": address.get("address1"),
            "street2": address.get("address2"),
            "city": address.get("city"),
            "zip": address.get("zip"),
            "state_code": address.get("provinceCode"),
            "country_code": address.get("countryCodeV2"),
            "phone": address.get("phone"),
        }

    def _currency(self, raw):
        if self.config.use_shop_currency:
            return raw.get("currencyCode")
        total = ((raw.get("totalPriceSet") or {}).get("presentmentMoney")) or {}
        return raw.get("presentmentCurrencyCode") or total.get("currencyCode") or raw.get("currencyCode")

    def _lines(self, raw):
        lines, fields = [], 0
        for item in nodes(raw.get("lineItems"), "lineItems"):
            allocations = [a.get("allocatedAmountSet") for a in objs(item, "discountAllocations")]
            rates, tax = self._taxes(objs(item, "taxLines", "lineItems taxLines"))
            lines.append(
                {
                    "id": item.get("id"),
                    "sku": self._sku(item),
                    "name": item.get("name"),
                    "quantity": item.get("quantity"),
                    "unit_price": self._amount(item.get("originalUnitPriceSet")),
                    "discount": self._sum(allocations),
                    "tax_rates": rates,
                    "tax": tax,
                }
            )
            quantity = item.get("quantity")
            fields += (quantity if isinstance(quantity, int) and quantity > 0 else 1) + len(allocations)
        return lines, fields

    @staticmethod
    def _sku(item):
        """The line's SKU; without one, its variant ("variant:<id>") or, for a custom item, its title
        ("custom:<title>"), so that the product map can still map it."""
        variant = obj(item, "variant", "lineItems variant")
        if item.get("sku") or variant.get("sku"):
            return item.get("sku") or variant.get("sku")
        if variant.get("legacyResourceId"):
            return f"variant:{variant['legacyResourceId']}"
        return f"custom:{item.get('name')}" if item.get("name") else None

    def _shipping(self, raw):
        """(amount after shipping discounts, its tax, its percent rates as the order states them, number
        of money fields) of the shipping lines; orders stored before shipping lines were asked for: the
        order's total shipping."""
        if raw.get("shippingLines") is None:
            return self._amount(raw.get("totalShippingPriceSet")), "0", [], 1
        shipping = nodes(raw.get("shippingLines"), "shippingLines")
        taxes = [tax for line in shipping for tax in objs(line, "taxLines", "shippingLines taxLines")]
        amount = self._sum(line.get("discountedPriceSet") or line.get("originalPriceSet") for line in shipping)
        rates, tax = self._taxes(taxes)
        return amount, tax, list(dict.fromkeys(rates)), len(shipping)

    def _fulfilments(self, raw):
        result = []
        for fulfilment in objs(raw, "fulfillments"):
            if fulfilment.get("status") in NOT_SHIPPED:
                continue
            tracking = (objs(fulfilment, "trackingInfo", "fulfillments trackingInfo") or [{}])[0]
            result.append(
                {
                    "ref": fulfilment.get("id"),
                    "carrier": tracking.get("company"),
                    "tracking_ref": tracking.get("number"),
                    "shipped_at": fulfilment.get("createdAt"),
                    "lines": {
                        (node.get("lineItem") or {}).get("id"): node.get("quantity")
                        for node in nodes(fulfilment.get("fulfillmentLineItems"), "fulfillmentLineItems")
                    },
                }
            )
        return result

    def _normalise(self, raw):
        customer = obj(raw, "customer")
        billing = obj(raw, "billingAddress")
        name = " ".join(p for p in (customer.get("firstName"), customer.get("lastName")) if p)
        lines, fields = self._lines(raw)
        shipping, shipping_tax, shipping_rates, shipping_fields = self._shipping(raw)
        order = {
            "id": raw.get("legacyResourceId") or raw.get("id"),
            "name": raw.get("name"),
            "created_at": raw.get("createdAt"),
            "updated_at": raw.get("updatedAt"),
            "status": self.status(raw),
            "currency": self._currency(raw),
            "prices_include_tax": raw.get("taxesIncluded"),
            "customer": {
                "id": customer.get("id"),
                "name": name
                or billing.get("name")
                or obj(raw, "shippingAddress").get("name")
                or raw.get("email")
                or raw.get("phone")
                or f"Shopify buyer of {raw.get('name') or raw.get('legacyResourceId')}",
                "email": raw.get("email") or customer.get("email"),
                "phone": raw.get("phone") or customer.get("phone") or billing.get("phone"),
                "address": self._address(billing),
            },
            "shipping_address": self._address(raw.get("shippingAddress")),
            "lines": lines,
            "shipping": shipping,
            "shipping_tax": shipping_tax,
            "shipping_tax_rates": shipping_rates,
            # Shopify always reports the order's tax (0.00 when none): the order states its taxes
            "tax": self._amount(raw.get("totalTaxSet")),
            "tax_lines": [
                {"rate": self._rate(tax), "amount": self._amount(tax.get("priceSet")), "name": tax.get("title")}
                for tax in objs(raw, "taxLines")
            ],
            "total": self._amount(raw.get("totalPriceSet")),
            "fulfilments": self._fulfilments(raw),
            "note": raw.get("note"),
        }
        presentment = ((raw.get("totalPriceSet") or {}).get("presentmentMoney") or {}).get("currencyCode")
        if self.config.use_shop_currency and (raw.get("presentmentCurrencyCode") or presentment) not in (
            None,
            raw.get("currencyCode"),
        ):
            # Shopify converts each field on its own: the parts may miss the total by a cent a field
            order["total_tolerance"] = str(Decimal("0.01") * (fields + shipping_fields + 1))
        return order

    def push_fulfilment(self, order_ref, fulfilment):
        order_gid = order_ref if str(order_ref).startswith("gid://") else f"gid://shopify/Order/{order_ref}"
        order = self.graphql(FULFILMENT_ORDERS_QUERY, {"id": order_gid}).get("order")
        if not order:
            raise AdapterError(_lt("Shopify does not know order %(order)s.", order=str(order_ref)))
        open_orders = [
            node["id"]
            for node in (order.get("fulfillmentOrders") or {}).get("nodes") or []
            if node.get("status") in OPEN_FULFILMENT_STATES
        ]
        if not open_orders:
            return {"already_fulfilled": True}
        tracking = {"number": fulfilment.tracking_number or None, "company": fulfilment.carrier or None}
        if fulfilment.tracking_url:
            tracking["url"] = fulfilment.tracking_url
        result = (
            self.graphql(
                FULFILMENT_MUTATION,
                {
                    "fulfillment": {
                        "lineItemsByFulfillmentOrder": [{"fulfillmentOrderId": fid} for fid in open_orders],
                        "trackingInfo": tracking,
                        "notifyCustomer": True,
                    }
                },
            ).get("fulfillmentCreate")
            or {}
        )
        if result.get("userErrors"):
            messages = "; ".join(e.get("message", "") for e in result["userErrors"])
            raise AdapterError(
                _lt(
                    "Shopify refused the fulfilment of %(order)s: %(messages)s", order=str(order_ref), messages=messages
                )
            )
        return result.get("fulfillment") or {}


def nodes(connection, label):
    """The ``nodes`` of a GraphQL connection; a structural error when they are not a list of objects."""
    if connection is None:
        return []
    found = connection.get("nodes") if isinstance(connection, dict) else connection
    if not isinstance(found, list) or not all(isinstance(node, dict) for node in found):
        raise PayloadError(
            [_lt("%(label)s must be a connection with a list of nodes (got %(got)s)", label=label, got=describe(found))]
        )
    return found
