"""The bad-input matrix of the normalised order format (no database)."""

import json
from datetime import datetime
from decimal import Decimal

from odoo.tests import BaseCase, tagged

from ..tools.normalise import PayloadError, parse_order


def order(**changes):
    data = {
        "id": "1001",
        "updated_at": "2026-11-20T10:00:00+08:00",
        "status": "paid",
        "currency": "USD",
        "customer": {"id": "buyer-1", "name": "Ann Buyer", "email": "Ann@Example.com", "phone": "+1 415 555 0100"},
        "lines": [
            {"id": "L1", "sku": "SKU-A", "quantity": 2, "unit_price": "10.00", "discount": "1.00"},
            {"id": "L2", "sku": "SKU-B", "quantity": 1, "unit_price": 5},
        ],
        "shipping": 4.5,
        "total": "28.50",
    }
    data.update(changes)
    return data


@tagged("post_install", "-at_install")
class TestNormalise(BaseCase):
    def errors(self, payload):
        with self.assertRaises(PayloadError) as caught:
            parse_order(payload)
        return str(caught.exception)

    def test_good_order(self):
        parsed = parse_order(json.dumps(order()))
        self.assertEqual(parsed.updated_at, datetime(2026, 11, 20, 2, 0))
        self.assertEqual(parsed.customer.email, "ann@example.com")
        self.assertEqual(parsed.computed_total(), Decimal("28.50"))

    def test_date_formats_and_zones(self):
        for value, expected in (
            ("2026-11-20T02:00:00Z", datetime(2026, 11, 20, 2)),
            ("2026-11-20 02:00:00", datetime(2026, 11, 20, 2)),
            ("2026/11/20 03:00:00", datetime(2026, 11, 20, 3)),
            ("2026-11-19T21:00:00-05:00", datetime(2026, 11, 20, 2)),
            (1763604000, datetime(2025, 11, 20, 2, 0)),
        ):
            self.assertEqual(parse_order(order(updated_at=value)).updated_at, expected, value)
        self.assertIn("not a date", self.errors(order(updated_at="next tuesday")))

    def test_bad_input_matrix(self):
        cases = {
            "id is missing": order(id=None),
            "id is empty": order(id="   "),
            "status must be one of": order(status="delivered"),
            "currency must be an ISO 4217": order(currency="dollars"),
            "currency 'XXQ' is not an ISO 4217 currency": order(currency="XXQ"),
            "customer is missing": order(customer=None),
            "customer name is missing": order(customer={"email": "x@example.com"}),
            "not an e-mail": order(customer={"name": "X", "email": "nope"}),
            "lines must be a non-empty list": order(lines=[]),
            "quantity must be positive": order(lines=[{"id": "L", "sku": "A", "quantity": -1, "unit_price": 1}]),
            "quantity must be a number (got a list)": order(
                lines=[{"id": "L", "sku": "A", "quantity": [1], "unit_price": 1}]
            ),
            "is not a number": order(total="twelve"),
            "is duplicated": order(
                lines=[
                    {"id": "L", "sku": "A", "quantity": 1, "unit_price": 1},
                    {"id": "L", "sku": "B", "quantity": 1, "unit_price": 1},
                ]
            ),
            "does not match": order(total="30.00"),
            "longer than 1000 characters": order(customer={"name": "x" * 1_000_000}),
            "not complete JSON: it stops after character 12": '{"id": "1", ',
            "not valid JSON: unexpected 'x' at character 10 of 10 (line 1, column 10)": '{"id": 1 x',
            "the body is empty (2 characters)": "  ",
            "must be a JSON object": "[1, 2]",
        }
        for expected, payload in cases.items():
            self.assertIn(expected, self.errors(payload), expected)

    def test_difference_is_shown(self):
        self.assertIn("difference 1.50", self.errors(order(total="30.00")))

    def test_text_is_kept_as_received(self):
        """HTML in a name or street is what the buyer typed: kept (Odoo escapes it on display)."""
        name, street = "<script>alert(1)</script>Bob <b>Smith</b>", "<b></b>"
        parsed = parse_order(order(customer={"name": name, "address": {"street": street}}))
        self.assertEqual((parsed.customer.name, parsed.customer.address.street), (name, street))

    def test_control_characters_and_long_values_name_the_field(self):
        self.assertIn(
            "customer name contains a control character (U+0007)", self.errors(order(customer={"name": "Bob\x07"}))
        )
        self.assertIn("note contains a control character (U+0000)", self.errors(order(note="a\x00b")))
        self.assertIn(
            "line 1 name is longer than 1000 characters (1001)",
            self.errors(order(lines=[{"id": "L", "sku": "A", "name": "n" * 1001, "quantity": 1, "unit_price": 1}])),
        )
        multiline = parse_order(order(note="first line\r\n\tsecond line"))
        self.assertEqual(multiline.note, "first line\r\n\tsecond line")

    def test_structural_errors_say_field_expected_and_got(self):
        for payload, expected in (
            (order(lines={"id": "L"}), "lines must be a list of objects (got an object)"),
            (order(lines=["L1"]), "lines must be a list of objects (got a list with something else than objects)"),
            (order(customer="Ann"), "customer must be an object (got text)"),
            (order(shipping_address=["x"]), "shipping_address must be an object (got a list)"),
            (order(tax_lines={"rate": 13}), "tax_lines must be a list of objects (got an object)"),
            (order(prices_include_tax="yes"), "prices_include_tax must be true or false (got text)"),
            (order(customer={"name": {"first": "Ann"}}), "customer name must be text (got an object)"),
        ):
            message = self.errors(payload)
            self.assertIn(expected, message)
            self.assertNotIn("object has no attribute", message)

    def test_new_statuses_and_the_orders_own_tax_setting(self):
        for status in ("shipped", "received"):
            self.assertEqual(parse_order(order(status=status)).status, status)
        taxed = order(tax="2.85", total="31.35")  # 28.50 + 10 % tax on top
        self.assertEqual(parse_order(taxed).total, Decimal("31.35"))
        # the order says its prices exclude tax: the channel's "prices include tax" cannot make it fail
        taxed["prices_include_tax"] = False
        self.assertEqual(parse_order(taxed, prices_include_tax=True).total, Decimal("31.35"))
        self.assertIn("difference -2.85", self.errors(order(tax="2.85", prices_include_tax=False)))
        # the order says its prices include tax: the channel's fallback cannot make it fail
        included = order(tax="2.59", prices_include_tax=True)
        self.assertEqual(parse_order(included, prices_include_tax=False).prices_include_tax, True)
        self.assertIsNone(parse_order(order()).prices_include_tax)

    def test_tax_lines_fulfilments_and_tolerance(self):
        parsed = parse_order(
            order(
                tax_lines=[{"rate": "13", "amount": "0", "name": "VAT 13%"}],
                lines=[{"id": "L1", "sku": "A", "quantity": 1, "unit_price": "28.50", "tax_rates": ["13"], "tax": 0}],
                shipping=0,
                shipping_tax="0",
                fulfilments=[{"ref": "F1", "carrier": "UPS", "tracking_ref": "1Z", "lines": {"L1": 1}}],
            )
        )
        self.assertEqual(parsed.tax_lines[0].rate, Decimal("13"))
        self.assertEqual(parsed.lines[0].tax_rates, [Decimal("13")])
        self.assertEqual(parsed.fulfilments[0].lines, {"L1": Decimal(1)})
        self.assertIn("difference 0.02", self.errors(order(total="28.52")))
        self.assertEqual(parse_order(order(total="28.52", total_tolerance="0.02")).total, Decimal("28.52"))

    def test_masked_values_never_become_the_customer(self):
        self.assertIn("customer name is masked", self.errors(order(customer={"name": "刘**"})))
        # a masked phone or e-mail is dropped: the order imports, the customer has none
        for customer, field in (
            ({"name": "Liu", "phone": "*******0002"}, "phone"),
            ({"name": "Liu", "phone": "138****0002"}, "phone"),
            ({"name": "Liu", "email": "l***@example.com"}, "email"),
        ):
            self.assertEqual(getattr(parse_order(order(customer=customer)).customer, field), "", customer)
        parsed = parse_order(
            order(
                customer={"id": "AAH1", "name": "Taobao buyer AAH1", "masked": True},
                shipping_address={"name": "刘*", "phone": "*******0002", "oaid": "1nLVx"},
            )
        )
        self.assertTrue(parsed.customer.masked)
        self.assertTrue(parsed.shipping_address.masked)
        self.assertEqual((parsed.shipping_address.name, parsed.shipping_address.oaid), ("刘*", "1nLVx"))
