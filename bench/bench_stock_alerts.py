"""Benchmark: stock alert evaluation and the cost added to picking validation (issue: inventory).

1. evaluating alerts for 20,000 storable products in 2 warehouses with 500,000 stock moves
   (set-based query) vs a loop reading qty_available / virtual_available / free_qty per
   product and warehouse (on a sample, extrapolated),
2. validating a 200-line delivery with and without the alert hook (the hook's evaluation
   at commit included), medians of several runs rolled back.
"""

import os
import random
from unittest.mock import patch

from odoo_env import Timer, median_in_savepoints, odoo_env, report  # isort: skip  (sets up Odoo's addons path)

from odoo import Command

SCALE = float(os.environ.get("SM_BENCH_SCALE", "1"))
PRODUCTS = int(20_000 * SCALE)
MOVES = int(500_000 * SCALE)
SAMPLE = min(500, max(20, PRODUCTS // 40))
REPEAT = int(os.environ.get("SM_BENCH_REPEAT", "5"))


def generate(env):
    cr = env.cr
    company = env.company
    wh_a = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    wh_b = env["stock.warehouse"].create({"name": "Bench South", "code": "BSTH", "company_id": company.id})
    categ = env["product.category"].create({"name": "Bench alerts", "sm_safety_stock_default": 20})
    unit = env.ref("uom.product_uom_unit")
    cr.execute(
        """
        INSERT INTO product_template (name, uom_id, type, service_tracking, tracking, is_storable, categ_id,
                                      active, sale_ok, purchase_ok, list_price, create_date, write_date)
        SELECT jsonb_build_object('en_US', 'Bench stock ' || g), %s, 'consu', 'no', 'none', true, %s,
               true, true, true, 10, now(), now()
          FROM generate_series(1, %s) g
        RETURNING id
        """,
        [unit.id, categ.id, PRODUCTS],
    )
    template_ids = [r[0] for r in cr.fetchall()]
    cr.execute(
        "INSERT INTO product_product (product_tmpl_id, active, default_code, create_date, write_date) "
        "SELECT t, true, 'BSTK-' || t, now(), now() FROM unnest(%s::int[]) t RETURNING id",
        [template_ids],
    )
    product_ids = sorted(r[0] for r in cr.fetchall())
    # On hand: 0-400 per product and warehouse: about 1 in 20 below the safety stock of 20.
    cr.execute("SELECT setseed(0.17)")
    for warehouse in (wh_a, wh_b):
        cr.execute(
            """
            INSERT INTO stock_quant (product_id, location_id, company_id, quantity, reserved_quantity, in_date,
                                     create_date, write_date)
            SELECT p, %s, %s, floor(random() * 400), 0, now(), now(), now() FROM unnest(%s::int[]) p
            """,
            [warehouse.lot_stock_id.id, company.id, product_ids],
        )
    customer = env.ref("stock.stock_location_customers")
    supplier = env.ref("stock.stock_location_suppliers")
    # 500,000 moves: 80% done history, 20% pending in or out, spread over both warehouses.
    cr.execute(
        """
        INSERT INTO stock_move (company_id, product_id, product_uom, location_id, location_dest_id, procure_method,
                                product_uom_qty, product_qty, quantity, date, state, create_date, write_date)
        SELECT %(company)s, (%(products)s::int[])[1 + floor(random() * %(n)s)::int], %(unit)s,
               CASE WHEN out THEN stock ELSE %(supplier)s END,
               CASE WHEN out THEN %(customer)s ELSE stock END,
               'make_to_stock', q, q, q, now() - random() * interval '180 days',
               CASE WHEN g %% 5 = 0 THEN 'confirmed' ELSE 'done' END, now(), now()
          FROM (SELECT g, random() < 0.6 AS out, 1 + floor(random() * 5) AS q,
                       CASE WHEN g %% 2 = 0 THEN %(stock_a)s ELSE %(stock_b)s END AS stock
                  FROM generate_series(1, %(moves)s) g) s
        """,
        {
            "company": company.id,
            "products": product_ids,
            "n": len(product_ids),
            "unit": unit.id,
            "supplier": supplier.id,
            "customer": customer.id,
            "moves": MOVES,
            "stock_a": wh_a.lot_stock_id.id,
            "stock_b": wh_b.lot_stock_id.id,
        },
    )
    cr.execute("ANALYZE product_product; ANALYZE product_template; ANALYZE stock_quant; ANALYZE stock_move")
    env.invalidate_all()
    return product_ids, wh_a | wh_b


def naive_loop(env, product_ids, warehouses):
    """Per product and warehouse: Odoo's quantity fields, then the same threshold test."""
    breaches = 0
    Product = env["product.product"]
    for warehouse in warehouses:
        for product_id in product_ids:
            product = Product.browse(product_id).with_context(warehouse_id=warehouse.id)  # one product at a time
            threshold = product.categ_id.sm_safety_stock_default
            free, forecast = product.free_qty, product.virtual_available
            _on_hand = product.qty_available
            if free < threshold or forecast < threshold:
                breaches += 1
    return breaches


def picking_validation(env, product_ids, warehouse, hooked):
    products = env["product.product"].browse(product_ids[:200])
    customers = env.ref("stock.stock_location_customers")

    def prepare():
        picking = env["stock.picking"].create(
            {
                "picking_type_id": warehouse.out_type_id.id,
                "location_id": warehouse.lot_stock_id.id,
                "location_dest_id": customers.id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": p.id,
                            "product_uom_qty": 1,
                            "location_id": warehouse.lot_stock_id.id,
                            "location_dest_id": customers.id,
                        }
                    )
                    for p in products
                ],
            }
        )
        picking.action_confirm()
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        return picking

    def validate(picking):
        if hooked:
            picking.button_validate()
            env.cr.precommit.run()  # the evaluation the commit would run
        else:
            with patch.object(type(env["sales.stock.alert"]), "_queue_evaluation", lambda self, products: None):
                picking.button_validate()

    return median_in_savepoints(env, prepare, validate, REPEAT)


def main():
    with odoo_env() as env:
        with Timer() as t_gen:
            product_ids, warehouses = generate(env)
        Alert = env["sales.stock.alert"]
        with Timer() as t_eval:
            result = Alert._evaluate(warehouses=warehouses)
            env.flush_all()
        with Timer() as t_reeval:
            again = Alert._evaluate(warehouses=warehouses)
            env.flush_all()
        rnd = random.Random(3)
        sample = rnd.sample(product_ids, SAMPLE)
        with Timer() as t_naive:
            naive_breaches = naive_loop(env, sample, warehouses)
        naive_full = t_naive.seconds * len(product_ids) / SAMPLE
        t_plain = picking_validation(env, product_ids, warehouses[0], hooked=False)
        t_hooked = picking_validation(env, product_ids, warehouses[0], hooked=True)
        report(
            "stock alerts",
            [
                ("products x warehouses", f"{len(product_ids)} x {len(warehouses)}"),
                ("stock moves", MOVES),
                ("generation (s)", f"{t_gen.seconds:.1f}"),
                ("evaluation, set-based, first run (s)", f"{t_eval.seconds:.2f}  ({result['created']} alerts raised)"),
                ("evaluation, set-based, nothing new (s)", f"{t_reeval.seconds:.2f}  ({again['open']} open)"),
                (f"naive loop over {SAMPLE} products (s)", f"{t_naive.seconds:.2f}  ({naive_breaches} breaches)"),
                (f"naive loop extrapolated to {len(product_ids)} products (s)", f"{naive_full:.1f}"),
                ("speed-up (naive / set-based first run)", f"{naive_full / t_eval.seconds:.1f}x"),
                ("200-line delivery validation, plain (ms)", f"{t_plain * 1000:.0f}"),
                ("same with the alert hook and its evaluation (ms)", f"{t_hooked * 1000:.0f}"),
                ("overhead", f"{(t_hooked / t_plain - 1) * 100:.1f}%"),
            ],
        )
        print(
            f"\nRESULT eval={t_eval.seconds:.2f}s naive_extrapolated={naive_full:.1f}s "
            f"ratio={naive_full / t_eval.seconds:.1f}x picking_overhead={(t_hooked / t_plain - 1) * 100:.1f}%  "
            "bars: eval<=10s ratio>=20x overhead<=20%"
        )


if __name__ == "__main__":
    main()
