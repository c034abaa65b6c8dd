"""Shopify Admin GraphQL API: ``orders`` with cursor pagination and an ``updated_at`` filter,
throttled by the query cost the answers report; fulfilments with ``fulfillmentCreate``."""

import logging

from .base import Adapter, AdapterError, money, utc_iso

_logger = logging.getLogger(__name__)

API_VERSION = "2025-10"
MONEY = "shopMoney { amount currencyCode }"
ORDERS_QUERY = f"""
query SalesMgmtOrders($first: Int!, $after: String, $query: String) {{
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{
      id legacyResourceId name updatedAt cancelledAt displayFinancialStatus currencyCode
      email phone note
      totalPriceSet {{ {MONEY} }}
      totalShippingPriceSet {{ {MONEY} }}
      totalTaxSet {{ {MONEY} }}
      customer {{ id firstName lastName email phone }}
      billingAddress {{ name address1 address2 city zip provinceCode countryCodeV2 phone }}
      shippingAddress {{ name address1 address2 city zip provinceCode countryCodeV2 phone }}
      lineItems(first: 100) {{
        nodes {{
          id sku name quantity
          originalUnitPriceSet {{ {MONEY} }}
          discountAllocations {{ allocatedAmountSet {{ {MONEY} }} }}
        }}
      }}
    }}
  }}
}}
"""
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
        """``data`` of a GraphQL call; waits when Shopify reports the bucket is short of points."""
        headers = {"X-Shopify-Access-Token": self.config.access_token, "Content-Type": "application/json"}
        for attempt in range(1, self.max_throttle_retries + 2):
            body, _response = self.client.request_json(
                "POST", self.endpoint, json={"query": query, "variables": variables}, headers=headers
            )
            if not isinstance(body, dict):
                raise AdapterError("Shopify answered something that is not a GraphQL response.")
            cost = (body.get("extensions") or {}).get("cost") or {}
            errors = body.get("errors") or []
            throttled = any((e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors)
            if throttled:
                if attempt > self.max_throttle_retries:
                    raise AdapterError("Shopify kept throttling the orders query; try again later.")
                self.client.sleep(self.throttle_wait(cost, throttled=True))
                continue
            if errors:
                messages = "; ".join(str(e.get("message")) for e in errors)
                raise AdapterError(self.client.redact(f"Shopify refused the query: {messages}"))
            wait = self.throttle_wait(cost)
            if wait:
                self.client.sleep(wait)
            return body.get("data") or {}
        raise AdapterError("Shopify kept throttling the orders query; try again later.")  # pragma: no cover

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
            orders = (self.graphql(ORDERS_QUERY, variables).get("orders")) or {}
            nodes = orders.get("nodes") or []
            if not isinstance(nodes, list):
                raise AdapterError("Shopify answered orders that are not a list.")
            if nodes:
                yield nodes
            page = orders.get("pageInfo") or {}
            if not page.get("hasNextPage") or not page.get("endCursor"):
                return
            variables["after"] = page["endCursor"]

    def updated_at(self, raw):
        return raw.get("updatedAt")

    @staticmethod
    def status(raw):
        if raw.get("cancelledAt") or raw.get("displayFinancialStatus") == "VOIDED":
            return "cancelled"
        return {"PAID": "paid", "PARTIALLY_REFUNDED": "paid", "REFUNDED": "refunded"}.get(
            raw.get("displayFinancialStatus"), "pending"
        )

    @staticmethod
    def _amount(value):
        return money(((value or {}).get("shopMoney") or {}).get("amount"))

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

    def normalise(self, raw):
        customer = raw.get("customer") or {}
        billing = raw.get("billingAddress") or {}
        name = " ".join(p for p in (customer.get("firstName"), customer.get("lastName")) if p)
        lines = []
        for item in (raw.get("lineItems") or {}).get("nodes") or []:
            discount = sum(
                float(self._amount(a.get("allocatedAmountSet"))) for a in item.get("discountAllocations") or []
            )
            lines.append(
                {
                    "id": item.get("id"),
                    "sku": item.get("sku"),
                    "name": item.get("name"),
                    "quantity": item.get("quantity"),
                    "unit_price": self._amount(item.get("originalUnitPriceSet")),
                    "discount": f"{discount:.2f}",
                }
            )
        return {
            "id": raw.get("legacyResourceId") or raw.get("id"),
            "updated_at": raw.get("updatedAt"),
            "status": self.status(raw),
            "currency": raw.get("currencyCode"),
            "customer": {
                "id": customer.get("id"),
                "name": name or billing.get("name") or raw.get("email"),
                "email": raw.get("email") or customer.get("email"),
                "phone": raw.get("phone") or customer.get("phone") or billing.get("phone"),
                "address": self._address(billing),
            },
            "shipping_address": self._address(raw.get("shippingAddress")),
            "lines": lines,
            "shipping": self._amount(raw.get("totalShippingPriceSet")),
            "tax": self._amount(raw.get("totalTaxSet")),
            "total": self._amount(raw.get("totalPriceSet")),
            "note": raw.get("note"),
        }

    def push_fulfilment(self, order_ref, fulfilment):
        order_gid = order_ref if str(order_ref).startswith("gid://") else f"gid://shopify/Order/{order_ref}"
        order = self.graphql(FULFILMENT_ORDERS_QUERY, {"id": order_gid}).get("order")
        if not order:
            raise AdapterError(f"Shopify does not know order {order_ref}.")
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
            raise AdapterError(f"Shopify refused the fulfilment of {order_ref}: {messages}")
        return result.get("fulfillment") or {}
