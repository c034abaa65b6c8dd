"""Benchmark: channel order import (issue: multi-channel import).

10,000 paid orders x 3 lines in the normalised JSON format, existing products, 30% of them
from returning customers, imported through `sales.channel.import_orders` over XML-RPC in
batches, against the per-order XML-RPC script an integrator writes (search the partner by
e-mail, create it if missing, create the order with its lines, confirm), on a sample of the
same orders, all against one Odoo server started here with workers and the queue_job runner
(both confirm; neither e-mails the customer). Then the same 10,000 again: nothing new may be
created. Then 10,000 other orders into a channel that confirms in background: the time until
the import calls return and the time until the job runner has confirmed every order.
Run with `make bench BENCH=channel_import`; SM_BENCH_SCALE lowers the sizes.
"""

import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
import xmlrpc.client

from odoo_env import Timer, odoo_env, report  # isort: skip  (sets up Odoo's addons path)

import odoo
from odoo import Command

SCALE = float(os.environ.get("SM_BENCH_SCALE", "1"))
ORDERS = max(60, int(10_000 * SCALE))
BATCH = int(os.environ.get("SM_BENCH_BATCH", "500"))
SAMPLE = max(30, min(400, ORDERS // 20))
PRODUCTS = 300
RETURNING = 0.30
PASSWORD = "bench-import-pw-1"
WORKERS = int(os.environ.get("SM_BENCH_WORKERS", "3"))
JOBS = int(os.environ.get("SM_BENCH_JOBS", "2"))  # confirmation jobs at once


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def setup(env):
    """Products, the channel, an integration user, a salesperson for the baseline, returning customers."""
    env = env(context=dict(env.context, tracking_disable=True, no_reset_password=True))
    # Same work on both sides: no customer e-mail for the script's orders nor the channel's.
    env.company.sm_send_order_notifications = False
    products = env["product.product"].create(
        [
            {
                "name": f"Bench import product {i}",
                "type": "consu",
                "default_code": f"BIMP-{i}",
                "list_price": 10 + i % 40,
            }
            for i in range(PRODUCTS)
        ]
    )
    products.taxes_id = False
    shipping = env["product.product"].create({"name": "Bench shipping", "type": "service", "taxes_id": False})
    channel, background = env["sales.channel"].create(
        [
            {
                "name": f"Bench shop {time.time():.0f}{suffix}",
                "channel_type": "json",
                "shipping_product_id": shipping.id,
                "confirm_in_background": suffix == " (background)",
            }
            for suffix in ("", " (background)")
        ]
    )
    users = env["res.users"].create(
        [
            {
                "name": "Bench integration",
                "login": f"bench_import_{channel.id}",
                "password": PASSWORD,
                "group_ids": [Command.link(env.ref("sales_mgmt_channels.group_channel_import").id)],
            },
            {
                "name": "Bench integrator script",
                "login": f"bench_script_{channel.id}",
                "password": PASSWORD,
                "group_ids": [Command.link(env.ref("sales_mgmt_core.group_sales_mgmt_user").id)],
            },
        ]
    )
    returning = env["res.partner"].create(
        [
            {"name": f"Bench returning {i}", "email": f"returning{i}.{channel.id}@bench.example", "customer_rank": 1}
            for i in range(int(ORDERS * RETURNING))
        ]
    )
    return channel, background, users, products, returning.mapped("email")


def make_orders(rnd, channel, products, returning_emails, count, prefix):
    orders = []
    for i in range(count):
        if rnd.random() < RETURNING:
            email = rnd.choice(returning_emails)
            name = "Returning buyer"
        else:
            email = f"{prefix}-new{i}.{channel}@bench.example"
            name = f"New buyer {i}"
        lines = []
        for k in range(3):
            product = rnd.choice(products)
            lines.append({"id": f"{k}", "sku": product[0], "quantity": rnd.randint(1, 3), "unit_price": product[1]})
        total = sum(line["quantity"] * line["unit_price"] for line in lines) + 5
        orders.append(
            {
                "id": f"{prefix}-{i}",
                "updated_at": "2026-11-20T10:00:00Z",
                "status": "paid",
                "currency": "USD",
                "customer": {"id": f"buyer-{email}", "name": name, "email": email},
                "lines": lines,
                "shipping": 5,
                "total": total,
            }
        )
    return orders


def start_server(port):
    """Odoo with workers and the queue_job runner, as the README's production setup: one worker
    answers the import calls while the runner hands confirmation jobs to the others."""
    args = [
        sys.executable,
        os.path.join(os.path.dirname(next(iter(odoo.__path__))), "odoo-bin"),
        "-c",
        os.environ["ODOO_CONF"],
        "-d",
        os.environ["SM_BENCH_DB"],
        "--db-filter",
        f"^{os.environ['SM_BENCH_DB']}$",
        "--http-interface",
        "127.0.0.1",
        "--http-port",
        str(port),
        "--gevent-port",
        str(free_port()),
        "--workers",
        str(WORKERS),
        "--limit-time-cpu",
        "3600",
        "--limit-time-real",
        "7200",
        "--max-cron-threads",
        "0",
        "--load",
        "base,web,queue_job",
        "--log-level",
        "warn",
    ]
    env = dict(os.environ, ODOO_QUEUE_JOB_CHANNELS=f"root:{JOBS}")
    log = os.environ.get("SM_BENCH_SERVER_LOG")  # the server's log, to see job retries
    if log:
        args[-1] = "info"
        args.extend(["--logfile", log])
    server = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _i in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/web/health", timeout=2):
                return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError("the Odoo server did not start")


def wait_confirmed(channel_id, expected, timeout):
    """Seconds until every order of the channel is confirmed by the job runner."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with odoo_env() as env:
            env.cr.execute(
                "SELECT count(*) FILTER (WHERE state = 'sale'), count(*) FILTER (WHERE sm_channel_confirm_queued)"
                " FROM sale_order WHERE channel_id = %s",
                [channel_id],
            )
            confirmed, queued = env.cr.fetchone()
            env.cr.execute(
                "SELECT count(*) FROM queue_job WHERE state = 'failed' AND func_string LIKE %s",
                [f"sales.channel({channel_id},)%"],
            )
            failed_jobs = env.cr.fetchone()[0]
        if confirmed >= expected or failed_jobs:
            return confirmed, queued, failed_jobs
        time.sleep(0.5)
    raise RuntimeError(f"orders of channel {channel_id} not confirmed within {timeout} s")


def counts(models, db, uid, channel_id):
    def count(model, domain):
        return models.execute_kw(db, uid, PASSWORD, model, "search_count", [domain])

    return (
        count("sale.order", [("channel_id", "=", channel_id)]),
        count("res.partner", [("email", "ilike", "@bench.example")]),
    )


def baseline_order(models, db, uid, order, product_ids, shipping_id):
    """What an integrator's script does for one order over XML-RPC."""

    def call(model, method, *args, **kwargs):
        return models.execute_kw(db, uid, PASSWORD, model, method, list(args), kwargs)

    customer = order["customer"]
    partner = call("res.partner", "search", [("email", "=", customer["email"])], limit=1)
    partner_id = (
        partner[0] if partner else call("res.partner", "create", {"name": customer["name"], "email": customer["email"]})
    )
    lines = [
        (
            0,
            0,
            {
                "product_id": product_ids[line["sku"]],
                "product_uom_qty": line["quantity"],
                "price_unit": line["unit_price"],
            },
        )
        for line in order["lines"]
    ]
    lines.append((0, 0, {"product_id": shipping_id, "product_uom_qty": 1, "price_unit": order["shipping"]}))
    sale_id = call(
        "sale.order", "create", {"partner_id": partner_id, "client_order_ref": order["id"], "order_line": lines}
    )
    call("sale.order", "action_confirm", [sale_id])


def main():
    rnd = random.Random(7)
    with odoo_env(commit=True) as env:
        channel, background, users, products, returning_emails = setup(env)
        channel_id, background_id, shipping_id = channel.id, background.id, channel.shipping_product_id.id
        logins = users.mapped("login")
        product_list = [(p.default_code, p.list_price) for p in products]
        product_ids = {p.default_code: p.id for p in products}
    orders = make_orders(rnd, channel_id, product_list, returning_emails, ORDERS, "B")
    queued = make_orders(rnd, background_id, product_list, returning_emails, ORDERS, "Q")
    sample = make_orders(rnd, channel_id, product_list, returning_emails, SAMPLE, "S")

    port = free_port()
    server = start_server(port)
    try:
        db = os.environ["SM_BENCH_DB"]
        common = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}/xmlrpc/2/common", allow_none=True)
        models = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}/xmlrpc/2/object", allow_none=True)
        uid_import = common.authenticate(db, logins[0], PASSWORD, {})
        uid_script = common.authenticate(db, logins[1], PASSWORD, {})

        def import_all(to_channel, payloads):
            done = failed = 0
            for start in range(0, len(payloads), BATCH):
                result = models.execute_kw(
                    db,
                    uid_import,
                    PASSWORD,
                    "sales.channel",
                    "import_orders",
                    [[to_channel], payloads[start : start + BATCH]],
                )
                done += result["done"]
                failed += result["failed"]
            return done, failed

        with Timer() as t_first:
            done, failed = import_all(channel_id, orders)
        before = counts(models, db, uid_script, channel_id)
        with Timer() as t_again:
            done_again, _failed = import_all(channel_id, orders)
        after = counts(models, db, uid_script, channel_id)
        with Timer() as t_confirmed:
            with Timer() as t_calls:
                done_bg, failed_bg = import_all(background_id, queued)
            confirmed_bg, queued_left, failed_jobs = wait_confirmed(background_id, done_bg, max(900, ORDERS))
        with Timer() as t_base:
            for order in sample:
                baseline_order(models, db, uid_script, order, product_ids, shipping_id)
    finally:
        server.terminate()
        server.wait(30)

    rate_first = ORDERS / t_first.seconds
    rate_base = SAMPLE / t_base.seconds
    rate_again = ORDERS / t_again.seconds
    rate_calls = ORDERS / t_calls.seconds
    rate_confirmed = ORDERS / t_confirmed.seconds
    ratio = rate_first / rate_base
    ratio_again = t_first.seconds / t_again.seconds
    report(
        f"channel import over XML-RPC ({WORKERS} workers, job runner root:{JOBS})",
        [
            ("orders x lines, returning customers", f"{ORDERS} x 3 (+ shipping), {RETURNING:.0%}"),
            (f"import_orders, batches of {BATCH} (s)", f"{t_first.seconds:.1f}  ({done} imported, {failed} failed)"),
            ("  orders/s", f"{rate_first:.1f}"),
            (f"per-order integrator script, {SAMPLE} orders (s)", f"{t_base.seconds:.1f}"),
            ("  orders/s", f"{rate_base:.1f}"),
            ("speed-up (import_orders / script)", f"{ratio:.1f}x"),
            ("re-import of the same orders (s)", f"{t_again.seconds:.1f}  ({done_again} imported again)"),
            ("  orders/s", f"{rate_again:.1f}"),
            ("  first import / re-import", f"{ratio_again:.1f}x"),
            ("channel orders, bench partners before / after re-import", f"{before} / {after}"),
            (
                "confirm in background: import calls return (s)",
                f"{t_calls.seconds:.1f}  ({done_bg} imported, {failed_bg} failed)",
            ),
            ("  orders/s, speed-up over the script", f"{rate_calls:.1f}, {rate_calls / rate_base:.1f}x"),
            (
                "  every order confirmed by the job runner (s)",
                f"{t_confirmed.seconds:.1f}  ({confirmed_bg} confirmed, {queued_left} still queued, "
                f"{failed_jobs} failed jobs)",
            ),
            ("  orders/s, speed-up over the script", f"{rate_confirmed:.1f}, {rate_confirmed / rate_base:.1f}x"),
        ],
    )
    print(
        f"RESULT import_rate={rate_first:.1f}/s script_rate={rate_base:.1f}/s ratio={ratio:.1f}x "
        f"reimport={t_again.seconds:.1f}s reimport_ratio={ratio_again:.1f}x new_on_reimport={after[0] - before[0]} "
        f"background_calls={rate_calls / rate_base:.1f}x background_confirmed={rate_confirmed / rate_base:.1f}x"
    )


if __name__ == "__main__":
    main()
