"""A real multi-process Odoo (`--workers=2` plus the queue_job runner, on loopback) importing
overlapping batches from two clients at once, and a worker killed in the middle of a batch.

Everything is committed in the test database through the server, then removed."""

import base64
import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import xmlrpc.client
from datetime import timedelta

from two_transactions import remove_channel_test_data, wait_for_lock_waiter

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged

PASSWORD = "workers-import-pw-1"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _NoRetryTransport(xmlrpc.client.Transport):
    """Python's XML-RPC client silently resends a request once when the connection is reset;
    here the test decides when to resend."""

    def request(self, host, handler, request_body, verbose=False):
        return self.single_request(host, handler, request_body, verbose)


def _payload(number, buyer, prefix):
    return {
        "id": f"{prefix}-{number}",
        "updated_at": "2026-11-20T10:00:00Z",
        "status": "pending",
        "currency": "USD",
        "customer": {"id": f"wk-{buyer}", "name": f"Worker buyer {buyer}", "email": f"wk{buyer}@workers.example"},
        "lines": [{"id": "1", "sku": "WK-SKU", "quantity": 1, "unit_price": 10}],
        "total": 10,
    }


@tagged("post_install", "-at_install")
class TestChannelImportWorkers(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = get_db_name()
        cls.registry = Registry(cls.db)
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            cls.product_id = (
                env["product.product"]
                .create({"name": "Workers SKU", "type": "consu", "default_code": "WK-SKU", "taxes_id": []})
                .id
            )
            cls.channel_id = (
                env["sales.channel"]
                .create({"name": "Workers shop", "channel_type": "json", "webhook_secret": "workers-hook-secret"})
                .id
            )
            cls.user_id = (
                env["res.users"]
                .create(
                    {
                        "name": "Workers integration",
                        "login": "workers_integration",
                        "password": PASSWORD,
                        "group_ids": [Command.link(env.ref("sales_mgmt_channels.group_channel_import").id)],
                    }
                )
                .id
            )
        cls.addClassCleanup(cls._cleanup)
        cls.port = _free_port()
        cls.server = subprocess.Popen(
            [
                sys.executable,
                os.path.join(os.path.dirname(next(iter(odoo.__path__))), "odoo-bin"),
                "-c",
                odoo.tools.config.rcfile,
                "-d",
                cls.db,
                "--db-filter",
                f"^{cls.db}$",
                "--http-interface",
                "127.0.0.1",
                "--http-port",
                str(cls.port),
                "--gevent-port",
                str(_free_port()),
                "--workers",
                "2",
                "--max-cron-threads",
                "0",
                "--load",
                "base,web,queue_job",
                "--log-level",
                "warn",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        cls.addClassCleanup(cls._stop_server)
        for _i in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{cls.port}/web/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("the Odoo server with workers did not start")

    @classmethod
    def _stop_server(cls):
        cls.server.terminate()
        try:
            cls.server.wait(30)
        except subprocess.TimeoutExpired:
            cls.server.kill()

    @classmethod
    def _cleanup(cls):
        remove_channel_test_data(cls.registry, cls.channel_id, "%@workers.example", cls.product_id, [cls.user_id])

    def _import(self, batch):
        models = xmlrpc.client.ServerProxy(
            f"http://127.0.0.1:{self.port}/xmlrpc/2/object", allow_none=True, transport=_NoRetryTransport()
        )
        return models.execute_kw(
            self.db, self.user_id, PASSWORD, "sales.channel", "import_orders", [[self.channel_id], batch]
        )

    def _state(self, prefix, buyers=()):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].search(
                [("channel_id", "=", self.channel_id), ("channel_order_ref", "=like", f"{prefix}-%")]
            )
            partners = env["res.partner"].search([("email", "in", [f"wk{b}@workers.example" for b in buyers])])
            identities = env["sales.channel.identity"].search(
                [("channel_id", "=", self.channel_id), ("buyer_ref", "in", [f"wk-{b}" for b in buyers])]
            )
            return len(orders), len(set(orders.mapped("channel_order_ref"))), len(partners), len(identities)

    def test_two_workers_import_overlapping_batches_once(self):
        batches = [
            [_payload(n, n % 9, "OV") for n in range(60)],
            [_payload(n, n % 9, "OV") for n in range(30, 90)],
        ]
        barrier, results, errors = threading.Barrier(2), [], []

        def client(batch):
            try:
                barrier.wait(10)
                results.append(self._import(batch))
            except Exception as error:  # reported below
                errors.append(error)

        threads = [threading.Thread(target=client, args=(batch,)) for batch in batches]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        self.assertFalse(errors, errors)
        self.assertEqual(sorted(r["done"] + r["skipped"] for r in results), [60, 60])
        self.assertEqual(sum(r["failed"] for r in results), 0)
        orders, refs, partners, identities = self._state("OV", range(9))
        self.assertEqual((orders, refs), (90, 90), "every order once")
        self.assertEqual((partners, identities), (9, 9), "one customer and one identity per buyer")

    def test_same_webhook_delivery_twice_at_once(self):
        body = json.dumps([_payload(n, 200 + n % 3, "WH") for n in range(40)]).encode()
        signature = base64.b64encode(hmac.new(b"workers-hook-secret", body, hashlib.sha256).digest()).decode()
        url = f"http://127.0.0.1:{self.port}/sales_mgmt/channel/{self.channel_id}/orders"
        barrier, statuses, errors = threading.Barrier(2), [], []

        def deliver():
            request = urllib.request.Request(
                url,
                data=body,
                method="POST",
                headers={"X-Sales-Mgmt-Signature": signature, "Content-Type": "application/json"},
            )
            try:
                barrier.wait(10)
                with urllib.request.urlopen(request, timeout=120) as response:
                    statuses.append((response.status, json.loads(response.read())))
            except Exception as error:  # reported below
                errors.append(error)

        threads = [threading.Thread(target=deliver) for _i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(150)
        self.assertFalse(errors, errors)
        self.assertTrue(all(status in (200, 202) for status, _body in statuses), statuses)
        states = []
        for _i in range(120):  # a delivery that met the other one is handed to a queue job (202)
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                records = env["sales.channel.import.record"].search(
                    [("channel_id", "=", self.channel_id), ("external_ref", "=like", "WH-%")]
                )
                states = sorted(records.mapped("state"))
            if "pending" not in states:
                break
            time.sleep(0.5)
        self.assertEqual(len(states), 80, "both deliveries are kept")
        self.assertEqual(
            (states.count("done"), states.count("skipped")), (40, 40), "each order imported once, skipped once"
        )
        self.assertEqual(self._state("WH")[:2], (40, 40), "one order per channel order")
        self.assertEqual(self._state("WH", (200, 201, 202))[2:], (3, 3), "one customer and identity per buyer")

    def test_worker_killed_mid_batch_then_resent(self):
        batch = [_payload(n, 100 + n % 5, "KB") for n in range(1500)]
        outcome = []

        def client():
            try:
                outcome.append(self._import(batch))
            except Exception as error:  # the worker dies under the request
                outcome.append(error)

        thread = threading.Thread(target=client)
        thread.start()
        self.assertTrue(self._wait_for_import_transaction(), "no worker was seen importing")
        children = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.server.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        for pid in children:  # the worker running the import among them; the server spawns new ones
            os.kill(int(pid), signal.SIGKILL)
        thread.join(120)
        self.assertIsInstance(outcome[0], Exception, "the request should have died with its worker")
        self.assertEqual(self._state("KB")[0], 0, "the killed transaction left nothing")
        for _i in range(60):  # the server spawns new workers
            try:
                result = self._import(batch)
                break
            except (OSError, xmlrpc.client.ProtocolError):
                time.sleep(0.5)
        self.assertEqual((result["done"], result["failed"]), (1500, 0))
        self.assertEqual(self._state("KB")[:2], (1500, 1500))
        self.assertEqual(self._import(batch)["skipped"], 1500, "sent a third time: nothing new")

    def _wait_until(self, condition, timeout=120, interval=0.2):
        """Poll ``condition()`` (a committed database state) until it is true or the deadline passes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            time.sleep(interval)
        return condition()

    def _webhook_records(self, prefix):
        """(sorted states of the delivery's records, received counts of the interrupted webhook runs)."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            records = env["sales.channel.import.record"].search(
                [("channel_id", "=", self.channel_id), ("external_ref", "=like", f"{prefix}-%")]
            )
            runs = env["sales.channel.import.run"].search(
                [("channel_id", "=", self.channel_id), ("trigger", "=", "webhook"), ("state", "=", "interrupted")]
            )
            return sorted(records.mapped("state")), runs.mapped("received_count")

    def _kill_workers(self):
        children = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.server.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        for pid in children:  # the worker serving the request among them; the server spawns new ones
            os.kill(int(pid), signal.SIGKILL)

    def test_webhook_worker_killed_after_storing_loses_nothing(self):
        """The worker dies after the delivery was stored and committed (as on limit_time_real): the
        recovery cron closes its run as interrupted and a queue job imports every stored order,
        without the marketplace resending. The worker is held on a lock the test owns, so it is
        killed at that point every run."""
        count = 100
        body = json.dumps([_payload(n, 300 + n % 4, "DW") for n in range(count)]).encode()
        signature = base64.b64encode(hmac.new(b"workers-hook-secret", body, hashlib.sha256).digest()).decode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/sales_mgmt/channel/{self.channel_id}/orders",
            data=body,
            method="POST",
            headers={"X-Sales-Mgmt-Signature": signature, "Content-Type": "application/json"},
        )
        outcome = []

        def deliver():
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    outcome.append(response.status)
            except Exception as error:  # the worker dies under the request
                outcome.append(error)

        blocker = self.registry.cursor()
        try:
            # Hold the import lock of the delivery's first order: the worker stores and commits
            # the delivery, then waits here until it is killed.
            blocker.execute(
                "INSERT INTO sales_channel_import_lock (key, locked_at) VALUES (%s, now()) "
                "ON CONFLICT (key) DO UPDATE SET locked_at = now()",
                [f"order:{self.channel_id}:DW-0"],
            )
            thread = threading.Thread(target=deliver)
            thread.start()
            stored = self._wait_until(lambda: len(self._webhook_records("DW")[0]) == count, timeout=60)
            self.assertTrue(stored, "the delivery was not stored")
            self.assertTrue(wait_for_lock_waiter(self.registry, 60, thread), "the worker did not reach the import")
            self._kill_workers()
            thread.join(60)
        finally:
            blocker.rollback()
            blocker.close()
        self.assertIsInstance(outcome[0], Exception, "the request should have died with its worker")
        self.assertEqual(self._webhook_records("DW")[0], ["pending"] * count, "stored, not imported")

        def recovered():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                return env["sales.channel"]._cron_recover_imports(older_than=timedelta(0))["interrupted"]

        # The killed worker's database session ends once it notices; until then its run is held.
        self.assertTrue(self._wait_until(recovered, timeout=60), "the dead worker's run was not recovered")
        states = self._wait_until(
            lambda: "pending" not in self._webhook_records("DW")[0] and self._webhook_records("DW")
        )
        self.assertEqual(states[0], ["done"] * count, "the job runner imported every stored order")
        self.assertEqual(states[1], [count], "the killed delivery's run is closed as interrupted")
        self.assertEqual(self._state("DW")[:2], (count, count))

    def _wait_for_import_transaction(self, timeout=30):
        """True once one of the server's connections has been in the import's transaction for a
        while (touching orders or channel tables). Workers keep the master's pid in their
        connections' application name, so the worker itself is not known."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.registry.cursor() as cr:
                cr.execute(
                    """SELECT 1 FROM pg_stat_activity
                        WHERE application_name = %s AND xact_start < now() - interval '0.5 second'
                          AND (query ILIKE '%%sale_order%%' OR query ILIKE '%%sales_channel%%')""",
                    [f"odoo-{self.server.pid}"],
                )
                if cr.fetchone():
                    return True
            time.sleep(0.1)
        return False
