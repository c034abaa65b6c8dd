import base64
import hashlib
import hmac
import json
from unittest.mock import patch

from odoo import Command
from odoo.tests import HttpCase, tagged

from .test_channel_recovery import SerializationFailure
from .test_normalise_unit import order


@tagged("post_install", "-at_install")
class TestWebhook(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in ("SKU-A", "SKU-B"):
            cls.env["product.product"].create(
                {"name": code, "type": "consu", "default_code": code, "taxes_id": [Command.clear()]}
            )
        shipping = cls.env["product.product"].create({"name": "Ship", "type": "service", "taxes_id": []})
        cls.channel = cls.env["sales.channel"].create(
            {"name": "Hook shop", "webhook_secret": "s3cret", "shipping_product_id": shipping.id}
        )
        cls.url = f"/sales_mgmt/channel/{cls.channel.id}/orders"

    def _post(self, body, secret="s3cret"):
        signature = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
        headers = {"X-Sales-Mgmt-Signature": signature, "Content-Type": "application/json"}
        return self.url_open(self.url, data=body, headers=headers, method="POST")

    def _records(self):
        return self.env["sales.channel.import.record"].search([("channel_id", "=", self.channel.id)])

    def test_signed_delivery_imported_once(self):
        body = json.dumps(order()).encode()
        response = self._post(body)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["done"], 1)
        self.assertEqual(self._post(body).json()["skipped"], 1, "a redelivery changes nothing")
        self.assertEqual(self.env["sale.order"].search_count([("channel_id", "=", self.channel.id)]), 1)
        self.assertEqual(len(self._records()), 2)

    def test_order_stating_zero_tax_gets_no_tax(self):
        """Trial defect 2 through the webhook: a stated tax of 0 is no tax, whatever the product carries."""
        taxed = self.env["product.product"].create(
            {
                "name": "Mug",
                "type": "consu",
                "default_code": "MUG",
                "taxes_id": [Command.set(self.env["account.tax"].create({"name": "Sales 15%", "amount": 15}).ids)],
            }
        )
        mug = [{"id": "L1", "sku": "MUG", "quantity": 2, "unit_price": "9.00"}]
        response = self._post(json.dumps(order(lines=mug, shipping=0, tax=0, total="18.00")).encode())
        self.assertEqual(response.json()["done"], 1, self._records().mapped("error"))
        sale = self.env["sale.order"].search([("channel_id", "=", self.channel.id)])
        self.assertEqual((sale.amount_tax, sale.amount_total, sale.order_line.product_id), (0, 18, taxed))

    def test_wrong_signature_refused(self):
        response = self._post(json.dumps(order()).encode(), secret="guess")
        self.assertEqual(response.status_code, 401)
        self.assertFalse(self._records())
        response = self.url_open(self.url, data=b"{}", headers={"Content-Type": "application/json"}, method="POST")
        self.assertEqual(response.status_code, 401)

    def test_json_content_type_required(self):
        body = json.dumps(order()).encode()
        signature = base64.b64encode(hmac.new(b"s3cret", body, hashlib.sha256).digest()).decode()
        response = self.url_open(
            self.url,
            data=body,
            headers={"X-Sales-Mgmt-Signature": signature, "Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        self.assertEqual(response.status_code, 415)
        self.assertFalse(self._records())

    def test_invalid_json_is_kept_as_failed(self):
        response = self._post(b'{"id": "9", truncated')
        self.assertEqual(response.json()["failed"], 1)
        error = self._records().error
        self.assertIn("the body is not valid JSON: unexpected 't' at character 13 of 21 (line 1, column 13)", error)
        self.assertNotIn("Expecting", error, "no parser message")
        response = self._post(b'{"id": "9", "name": "cut')
        error = self._records().sorted("id")[-1].error
        self.assertIn(
            "the body is not complete JSON: it stops after character 24, inside the text begun at character 21 "
            "(cut off?)",
            error,
        )
        self.assertNotIn("Unterminated", error, "no parser message")

    def test_concurrent_delivery_handed_to_a_job_closes_its_run(self):
        body = json.dumps([order(), order(id="1002")]).encode()
        Channel = type(self.env["sales.channel"])
        with patch.object(Channel, "_process_records", side_effect=SerializationFailure("could not serialize")):
            response = self._post(body)
        self.assertEqual(response.status_code, 202, response.text)
        run = self.env["sales.channel.import.run"].browse(response.json()["run_id"])
        self.assertEqual((run.state, run.received_count), ("queued", 2), "the 202 closes its run")
        self.assertTrue(run.date_end)
        self.assertEqual(self._records().mapped("state"), ["pending", "pending"], "kept for the queue job")
        job = self.env["queue.job"].search([("method_name", "=", "_job_process_records")], order="id desc", limit=1)
        self.assertEqual(job.args[0], self._records().sorted("id"))
