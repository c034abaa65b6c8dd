"""The bad-input matrix of the normalised order format (no database)."""

import json
import unittest
from datetime import datetime
from decimal import Decimal

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


class TestNormalise(unittest.TestCase):
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
            "status must be one of": order(status="shipped"),
            "currency must be an ISO 4217": order(currency="dollars"),
            "customer is missing": order(customer=None),
            "customer name is missing": order(customer={"email": "x@example.com"}),
            "not an e-mail": order(customer={"name": "X", "email": "nope"}),
            "lines must be a non-empty list": order(lines=[]),
            "quantity must be positive": order(lines=[{"id": "L", "sku": "A", "quantity": -1, "unit_price": 1}]),
            "must be a number, not list": order(lines=[{"id": "L", "sku": "A", "quantity": [1], "unit_price": 1}]),
            "is not a number": order(total="twelve"),
            "is duplicated": order(
                lines=[
                    {"id": "L", "sku": "A", "quantity": 1, "unit_price": 1},
                    {"id": "L", "sku": "B", "quantity": 1, "unit_price": 1},
                ]
            ),
            "does not match": order(total="30.00"),
            "longer than 1000 characters": order(customer={"name": "x" * 1_000_000}),
            "invalid JSON": '{"id": "1", ',
            "must be a JSON object": "[1, 2]",
        }
        for expected, payload in cases.items():
            self.assertIn(expected, self.errors(payload), expected)

    def test_difference_is_shown(self):
        self.assertIn("difference 1.50", self.errors(order(total="30.00")))

    def test_html_is_stripped(self):
        parsed = parse_order(order(customer={"name": "<script>alert(1)</script>Bob <b>Smith</b>"}))
        self.assertEqual(parsed.customer.name, "alert(1)Bob Smith")
