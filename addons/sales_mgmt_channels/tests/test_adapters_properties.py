"""Property-based tests (Hypothesis) of the adapters' parsing, on payloads shaped like the
platforms' documented ones (tests/data/SOURCES.md):

* Shopify: whatever the buyer's amounts, the order imports in the buyer's currency and its parts
  add up to Shopify's total exactly; in shop-currency mode, with every field converted and rounded
  on its own, it imports within its tolerance.
* WooCommerce: line amounts are tax-exclusive; whatever the order's ``prices_include_tax`` and the
  channel's fallback, a consistent order imports and says what the order says.
* Taobao: a ``*``-masked receiver never becomes the customer's name, phone or e-mail.

Runs under Odoo's test runner (BaseCase) and under pytest; no database needed.
"""

import copy
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase, tagged

from ..adapters import ChannelConfig, ShopifyAdapter, TaobaoAdapter, WooCommerceAdapter
from ..tools.normalise import is_masked, parse_order
from .stub_server import fixture

SETTINGS = settings(max_examples=150, deadline=None, database=None)
CENT = Decimal("0.01")
CENTS = st.integers(0, 10**7).map(lambda cents: Decimal(cents) / 100)


def bag(presentment, rate):
    shop = (presentment / rate).quantize(CENT, ROUND_HALF_UP)
    return {
        "presentmentMoney": {"amount": str(presentment), "currencyCode": "CNY"},
        "shopMoney": {"amount": str(shop), "currencyCode": "USD"},
    }


@st.composite
def shopify_orders(draw):
    """A CNY order on a USD shop: lines, discount allocations, shipping, tax; the total in CNY
    is exactly the sum of its parts (as Shopify charges the buyer)."""
    rate = draw(st.decimals(min_value=Decimal("0.5"), max_value=Decimal("200"), places=4))
    items, total = [], Decimal(0)
    for index in range(draw(st.integers(1, 4))):
        price, quantity = draw(CENTS), draw(st.integers(1, 20))
        discount = min(draw(CENTS), price * quantity)
        items.append(
            {
                "id": f"gid://shopify/LineItem/{index}",
                "sku": f"SKU-{index}",
                "name": "Item",
                "quantity": quantity,
                "originalUnitPriceSet": bag(price, rate),
                "discountAllocations": [{"allocatedAmountSet": bag(discount, rate)}],
                "taxLines": [],
            }
        )
        total += price * quantity - discount
    shipping, tax = draw(CENTS), draw(CENTS)
    total += shipping + tax
    return {
        "legacyResourceId": "1",
        "updatedAt": "2026-11-20T08:00:00Z",
        "displayFinancialStatus": "PAID",
        "displayFulfillmentStatus": "UNFULFILLED",
        "currencyCode": "USD",
        "presentmentCurrencyCode": "CNY",
        "taxesIncluded": False,
        "email": "buyer@example.com",
        "totalPriceSet": bag(total, rate),
        "totalTaxSet": bag(tax, rate),
        "taxLines": [{"title": "VAT", "ratePercentage": 13.0, "priceSet": bag(tax, rate)}],
        "shippingLines": {"nodes": [{"title": "Post", "discountedPriceSet": bag(shipping, rate), "taxLines": []}]},
        "lineItems": {"nodes": items},
    }


@tagged("post_install", "-at_install")
class TestAdapterProperties(BaseCase):
    @SETTINGS
    @given(raw=shopify_orders())
    def test_shopify_presentment_amounts_add_up_exactly(self, raw):
        order = parse_order(ShopifyAdapter(ChannelConfig(), None).normalise(raw))
        self.assertEqual(order.currency, "CNY")
        self.assertEqual(order.computed_total(), order.total)
        self.assertEqual(order.total, Decimal(raw["totalPriceSet"]["presentmentMoney"]["amount"]))

    @SETTINGS
    @given(raw=shopify_orders())
    def test_shopify_shop_currency_imports_within_its_tolerance(self, raw):
        order = parse_order(ShopifyAdapter(ChannelConfig(use_shop_currency=True), None).normalise(raw))
        self.assertEqual(order.currency, "USD")
        self.assertEqual(order.total, Decimal(raw["totalPriceSet"]["shopMoney"]["amount"]), "Shopify's total, kept")
        self.assertLessEqual(abs(order.computed_total() - order.total), order.total_tolerance)

    @SETTINGS
    @given(
        shown_with_tax=st.booleans(),
        channel_includes=st.booleans(),
        lines=st.lists(
            st.tuples(st.integers(1, 9), CENTS, st.sampled_from([0, 5, 10, 13, 19, 21])), min_size=1, max_size=4
        ),
        shipping=CENTS,
    )
    def test_woocommerce_tax_inclusive_detection(self, shown_with_tax, channel_includes, lines, shipping):
        raw = copy.deepcopy(fixture("woocommerce_orders_documented.json")[0])
        raw["prices_include_tax"], raw["line_items"], total_tax = shown_with_tax, [], Decimal(0)
        for index, (quantity, price, rate) in enumerate(lines, start=1):
            net = price * quantity
            tax = (net * rate / 100).quantize(CENT, ROUND_HALF_UP)
            total_tax += tax
            raw["line_items"].append(
                {
                    "id": index,
                    "sku": f"S{index}",
                    "quantity": quantity,
                    "subtotal": str(net),
                    "subtotal_tax": str(tax),
                    "total": str(net),
                    "total_tax": str(tax),
                    "taxes": [{"id": 75, "total": str(tax), "subtotal": str(tax)}],
                }
            )
        raw.update(shipping_total=str(shipping), shipping_tax="0", fee_lines=[], total_tax=str(total_tax))
        raw["total"] = str(sum(Decimal(line["total"]) for line in raw["line_items"]) + shipping + total_tax)
        order = parse_order(
            WooCommerceAdapter(ChannelConfig(), None).normalise(raw), prices_include_tax=channel_includes
        )
        self.assertIs(order.prices_include_tax, shown_with_tax, "what the order says, not the channel")
        self.assertEqual(order.tax, total_tax)

    @SETTINGS
    @given(
        name=st.from_regex(r"\A[刘王李a-z ]{0,3}\*{1,4}[明a-z]{0,2}\Z").filter(is_masked),
        phone=st.from_regex(r"\A[0-9]{0,3}\*{2,8}[0-9]{0,4}\Z"),
        nick=st.one_of(st.just(""), st.text(alphabet="tb_*12", max_size=6)),
        uid=st.text(alphabet="AHk5d-EXYZ0", min_size=0, max_size=24),
    )
    def test_taobao_masked_values_never_become_the_customer(self, name, phone, nick, uid):
        trade = copy.deepcopy(
            fixture("taobao_trades_documented.json")["289749893209214687"]["trade_fullinfo_get_response"]["trade"]
        )
        trade.update(receiver_name=name, receiver_mobile=phone, buyer_nick=nick, buyer_open_uid=uid, buyer_email=phone)
        customer = TaobaoAdapter(ChannelConfig(), None).normalise(trade)["customer"]
        for key in ("name", "phone", "email"):
            self.assertFalse(is_masked(customer.get(key)), (key, customer))
        self.assertNotEqual(customer["name"], name)
        order = parse_order(TaobaoAdapter(ChannelConfig(), None).normalise(trade), prices_include_tax=True)
        self.assertTrue(order.shipping_address.masked)
