"""Benchmark: credit- and stock-checked confirmation, and the order import (issue: order processing).

  1. confirming the same order for a customer with 5,000 open invoices vs with 1
     (the credit check is one aggregate, so the cost must not grow with invoices),
  2. the checked confirmation vs plain Odoo's confirmation of the same order,
  3. validating and previewing a 5,000-line order sheet,
  4. one checked confirmation of a batch of 200 orders of 100 customers with credit limits
     (the checks see the batch's own earlier orders) vs plain Odoo's confirmation of it.
Each confirmation runs in a savepoint rolled back afterwards; medians of REPEAT runs.
"""

import base64
import os

from odoo_env import Timer, interleaved_medians, median_in_savepoints, odoo_env, report  # isort: skip  (sets up Odoo's addons path)

from odoo import Command, fields

from odoo.addons.sales_mgmt_core.models.sale_order_approval import CONFIRMING

REPEAT = int(os.environ.get("SM_BENCH_REPEAT", "15"))
SCALE = float(os.environ.get("SM_BENCH_SCALE", "1"))
INVOICES = max(2, int(5_000 * SCALE))
SHEET_LINES = max(50, int(5_000 * SCALE))
BATCH_ORDERS = max(10, int(200 * SCALE))
BATCH_REPEAT = max(1, min(REPEAT, 5))


def clone_invoices(env, template, count):
    """Copy a posted invoice ``count`` times with SQL (the ORM would take minutes)."""
    env.flush_all()
    cr = env.cr

    def columns(table, skip):
        cr.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
            [table],
        )
        return [c for (c,) in cr.fetchall() if c not in skip]

    move_cols = columns("account_move", {"id", "name"})
    cols = ", ".join(move_cols)
    cr.execute(
        f"INSERT INTO account_move (name, {cols}) "  # noqa: S608 - column names from the catalogue
        f"SELECT 'BENCH/INV/' || g, {cols} FROM account_move, generate_series(1, %s) g WHERE id = %s RETURNING id",
        [count, template.id],
    )
    move_ids = [r[0] for r in cr.fetchall()]
    line_cols = columns("account_move_line", {"id", "move_id"})
    cols = ", ".join(f"l.{c}" for c in line_cols)
    cr.execute(
        f"INSERT INTO account_move_line (move_id, {', '.join(line_cols)}) "  # noqa: S608
        f"SELECT m, {cols} FROM unnest(%s::int[]) m, account_move_line l WHERE l.move_id = %s",
        [move_ids, template.id],
    )
    env.invalidate_all()


def make_customer(env, name, invoices, product):
    partner = env["res.partner"].create({"name": name})
    partner.with_company(env.company).credit_limit = 10**9
    invoice = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_line_ids": [
                Command.create({"product_id": product.id, "quantity": 1, "price_unit": 10, "tax_ids": []})
            ],
        }
    )
    invoice.action_post()
    if invoices > 1:
        clone_invoices(env, invoice, invoices - 1)
    return partner


def timed_confirm(env, order_vals, plain=False):
    """Median seconds of confirming a fresh copy of the order, rolled back each time."""
    SaleOrder = env["sale.order"]
    ours = next(
        c for c in type(SaleOrder).__mro__ if c.__module__.endswith("sales_mgmt_core.models.sale_order_approval")
    )

    def confirm(order):
        if plain:
            with order._sm_mark(CONFIRMING):  # every other module's confirmation, not our checks
                super(ours, order).action_confirm()
        else:
            order.action_confirm()
        assert set(order.mapped("state")) == {"sale"}, order.hold_reason_ids.mapped("message")

    return median_in_savepoints(env, lambda: SaleOrder.create(order_vals), confirm, REPEAT)


def confirm_batch(orders, plain=False):
    SaleOrder = orders.env["sale.order"]
    ours = next(
        c for c in type(SaleOrder).__mro__ if c.__module__.endswith("sales_mgmt_core.models.sale_order_approval")
    )
    if plain:
        with orders._sm_mark(CONFIRMING):
            super(ours, orders).action_confirm()
    else:
        orders.action_confirm()
    assert set(orders.mapped("state")) == {"sale"}, orders.hold_reason_ids[:3].mapped("message")


def main():
    with odoo_env() as env:
        env.company.sm_send_order_notifications = False
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        products = env["product.product"].create(
            [
                {
                    "name": f"Bench item {i}",
                    "type": "consu",
                    "is_storable": True,
                    "default_code": f"BENCH-{i:04d}",
                    "list_price": 10 + i,
                    "taxes_id": [],
                }
                for i in range(200)
            ]
        )
        for product in products:
            env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 10_000)
        with Timer() as t_gen:
            many = make_customer(env, "Bench many invoices", INVOICES, products[0])
            one = make_customer(env, "Bench one invoice", 1, products[0])
        env.cr.execute(
            "SELECT count(*) FROM account_move_line l JOIN account_account a ON a.id = l.account_id "
            "WHERE a.account_type = 'asset_receivable' AND l.partner_id = %s AND l.parent_state = 'posted'",
            [many.id],
        )
        open_lines = env.cr.fetchone()[0]

        def order_vals(partner):
            return {
                "partner_id": partner.id,
                "order_line": [Command.create({"product_id": p.id, "product_uom_qty": 2}) for p in products[:10]],
            }

        timed_confirm(env, order_vals(one))  # warm-up (caches, assets of the first call)
        t_many = timed_confirm(env, order_vals(many))
        t_one = timed_confirm(env, order_vals(one))
        t_plain = timed_confirm(env, order_vals(one), plain=True)

        # A batch: 200 orders of 100 customers with credit limits, 3 storable lines each.
        batch_customers = env["res.partner"].create(
            [{"name": f"Batch customer {i}"} for i in range(max(5, BATCH_ORDERS // 2))]
        )
        for partner in batch_customers:
            partner.with_company(env.company).credit_limit = 10**7
        batch_vals = [
            {
                "partner_id": batch_customers[i % len(batch_customers)].id,
                "order_line": [
                    Command.create({"product_id": p.id, "product_uom_qty": 1})
                    for p in products[(i * 3) % 198 : (i * 3) % 198 + 3]
                ],
            }
            for i in range(BATCH_ORDERS)
        ]
        SaleOrder = env["sale.order"]
        medians = interleaved_medians(
            env,
            lambda: SaleOrder.create(batch_vals),
            {"checked": confirm_batch, "plain": lambda o: confirm_batch(o, plain=True)},
            BATCH_REPEAT,
        )
        t_batch, t_batch_plain = medians["checked"], medians["plain"]

        # Order sheet: 5,000 lines, 1,000 orders, 500 customers, 200 SKUs.
        customers = env["res.partner"].create(
            [{"name": f"Sheet customer {i}", "email": f"sheet{i}@example.com"} for i in range(500)]
        )
        rows = ["Order Reference,Customer,Product,Quantity,Unit Price,Order Date"]
        for i in range(SHEET_LINES):
            order_no = i // 5
            rows.append(
                f"SHEET-{order_no},sheet{order_no % 500}@example.com,BENCH-{i % 200:04d},{1 + i % 3},{9.5 + i % 7},"
                f"{fields.Date.today()}"
            )
        content = ("\n".join(rows) + "\n").encode()
        wizard = env["sale.order.import.wizard"].create({"file": base64.b64encode(content), "filename": "bench.csv"})
        with Timer() as t_import:
            wizard.action_validate()
            env.flush_all()
        assert wizard.error_count == 0, wizard.line_ids.filtered("error")[:3].mapped("error")
        assert customers

        report(
            "order confirmation",
            [
                ("data generation (s)", f"{t_gen.seconds:.1f}"),
                ("open receivable lines of the 'many' customer", open_lines),
                (f"checked confirm, customer with {INVOICES} open invoices (ms)", f"{t_many * 1000:.1f}"),
                ("checked confirm, customer with 1 open invoice (ms)", f"{t_one * 1000:.1f}"),
                ("ratio many / one", f"{t_many / t_one:.2f}x"),
                ("plain Odoo confirm of the same order (ms)", f"{t_plain * 1000:.1f}"),
                ("ratio checked / plain", f"{t_one / t_plain:.2f}x"),
                (f"import: validate + preview {SHEET_LINES} lines (s)", f"{t_import.seconds:.2f}"),
                (f"checked confirm of a batch of {BATCH_ORDERS} orders (s)", f"{t_batch:.2f}"),
                ("plain Odoo confirm of the same batch (s)", f"{t_batch_plain:.2f}"),
                ("ratio batch checked / plain", f"{t_batch / t_batch_plain:.2f}x"),
            ],
        )
        print(
            f"\nRESULT many/one={t_many / t_one:.2f}x checked/plain={t_one / t_plain:.2f}x "
            f"import_validate={t_import.seconds:.2f}s batch checked/plain={t_batch / t_batch_plain:.2f}x  "
            "bars: many/one<=1.5x checked/plain<=1.3x import<=20s batch<=1.3x"
        )


if __name__ == "__main__":
    main()
