"""Two real, committed transactions on two connections, as two Odoo workers run them."""

import threading
import time

from odoo import SUPERUSER_ID, api
from odoo.service.model import retrying


def wait_for_lock_waiter(registry, timeout=60, thread=None):
    """Wait until another backend of this database is blocked on a lock (a condition, not a
    delay); True when one is, False at the deadline or when ``thread`` ended first."""
    deadline = time.monotonic() + timeout
    with registry.cursor() as cr:
        while time.monotonic() < deadline:
            cr.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid != pg_backend_pid()"
            )
            if cr.fetchone()[0]:
                return True
            if thread is not None and not thread.is_alive():
                return False
            cr.rollback()
            time.sleep(0.02)
    return False


def run_second_while_first_open(case, registry, first, second, timeout=60):
    """Run ``first(env)`` and keep its transaction open while ``second(env)`` starts (through
    Odoo's ``retrying``, as for every RPC / HTTP request); check that the second waited, then
    commit the first. Returns how many times ``second`` ran."""
    first_done, release_first = threading.Event(), threading.Event()
    errors, attempts = [], []

    def run_first():
        try:
            with registry.cursor() as cr:
                first(api.Environment(cr, SUPERUSER_ID, {}))
                first_done.set()
                release_first.wait(timeout)  # keep the transaction (and its locks) open
        except Exception as error:  # reported by the main thread
            errors.append(error)
            first_done.set()

    def run_second():
        try:
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})

                def attempt():
                    attempts.append(1)
                    return second(env)

                retrying(attempt, env)
        except Exception as error:
            errors.append(error)

    first_thread = threading.Thread(target=run_first)
    first_thread.start()
    case.assertTrue(first_done.wait(timeout))
    second_thread = threading.Thread(target=run_second)
    second_thread.start()
    case.assertTrue(
        wait_for_lock_waiter(registry, timeout, second_thread), "the second transaction did not wait for the first one"
    )
    release_first.set()
    first_thread.join(timeout)
    second_thread.join(timeout)
    case.assertFalse(errors, errors)
    return len(attempts)


def remove_channel_test_data(registry, channel_id, email_like, product_id, user_ids=()):
    """Delete what a committed channel-import test created: orders, channel, customers, product."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["sale.order"].search([("channel_id", "=", channel_id)]).unlink()
        env["sales.channel"].browse(channel_id).unlink()
        env["res.partner"].search([("email", "=like", email_like)]).unlink()
        env["product.product"].browse(product_id).unlink()
        env["res.users"].browse(list(user_ids)).unlink()
        env["queue.job"].search([("func_string", "=like", f"sales.channel({channel_id},)%")]).unlink()
        cr.execute("DELETE FROM sales_channel_import_lock WHERE key LIKE %s", [f"%:{channel_id}:%"])
