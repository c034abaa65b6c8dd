"""Benchmark: customer segment recompute (issue: customer management).

Generates 100,000 customers and 1,000,000 confirmed order lines with SQL, then measures
  1. the set-based full recompute (tiers, RFM, lifecycle, prediction, tags),
  2. a naive per-partner ORM loop computing and writing the same figures, on a
     2,000-partner sample, extrapolated to the whole population,
  3. the incremental recompute after 1,000 new orders.
Run with `make bench BENCH=customer_segments`. Sizes can be lowered with SM_BENCH_SCALE=0.1.
"""

import os
import random
from datetime import timedelta

from odoo_env import Timer, odoo_env, report  # isort: skip  (sets up Odoo's addons path)

from odoo import fields

from odoo.addons.sales_mgmt_core.tools import segmentation as seg

SCALE = float(os.environ.get("SM_BENCH_SCALE", "1"))
CUSTOMERS = int(100_000 * SCALE)
ORDER_LINES = int(1_000_000 * SCALE)
LINES_PER_ORDER = 3.5
SAMPLE = min(2_000, max(50, CUSTOMERS // 50))
NEW_ORDERS = 1_000


def generate(env):
    cr = env.cr
    company = env.company
    product = env["product.product"].create({"name": "Bench product", "type": "consu", "list_price": 40})
    cr.execute("SELECT setseed(0.42)")
    states = env["res.country.state"].search([("country_id", "=", env.ref("base.us").id)], limit=10).ids
    cr.execute(
        """
        INSERT INTO res_partner (name, email, active, type, autopost_bills, company_id, country_id, state_id,
                                 customer_rank, create_date, write_date)
        SELECT 'Bench customer ' || g, 'bench' || g || '@example.com', true, 'contact', 'ask', NULL,
               %s, (%s::int[])[1 + (g %% %s)], 1, now(), now()
          FROM generate_series(1, %s) g
        RETURNING id
        """,
        [env.ref("base.us").id, states, len(states), CUSTOMERS],
    )
    partner_ids = sorted(r[0] for r in cr.fetchall())
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", [partner_ids])
    orders = int(ORDER_LINES / LINES_PER_ORDER)
    # Skewed: a few customers order often, many rarely; dates over the last 900 days.
    cr.execute(
        """
        INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id, company_id,
                                date_order, picking_policy, state, approval_state, currency_id, currency_rate,
                                amount_untaxed, amount_tax, amount_total, create_date, write_date)
        SELECT 'BENCH/' || g, p, p, p, %(company)s,
               now() - (random() * 900) * interval '1 day', 'direct', 'sale', 'none', %(currency)s,
               CASE WHEN g %% 10 = 0 THEN 1.1 ELSE 1.0 END, 0, 0, 0, now(), now()
          FROM (SELECT g, (%(partners)s::int[])[1 + floor(%(n)s * power(random(), 2))::int] AS p
                  FROM generate_series(1, %(orders)s) g) s
        RETURNING id
        """,
        {
            "company": company.id,
            "currency": company.currency_id.id,
            "partners": partner_ids,
            "n": CUSTOMERS,
            "orders": orders,
        },
    )
    order_ids = sorted(r[0] for r in cr.fetchall())
    first_order, last_order = order_ids[0], order_ids[-1]
    cr.execute(
        """
        INSERT INTO sale_order_line (order_id, name, product_id, product_uom_qty, price_unit, customer_lead,
                                     price_subtotal, company_id, currency_id, create_date, write_date)
        SELECT o, 'Bench product', %(product)s, q, 40, 0, q * 40, %(company)s, %(currency)s, now(), now()
          FROM (SELECT o, 1 + floor(random() * 3)::int AS q
                  FROM generate_series(%(first)s, %(last)s) o, generate_series(1, 7) k
                 WHERE k <= 1 + (o %% 6)) s
         LIMIT %(lines)s
        """,
        {
            "product": product.id,
            "company": company.id,
            "currency": company.currency_id.id,
            "first": first_order,
            "last": last_order,
            "lines": ORDER_LINES,
        },
    )
    cr.execute(
        """
        UPDATE sale_order so SET amount_untaxed = l.total, amount_total = l.total
          FROM (SELECT order_id, sum(price_subtotal) total FROM sale_order_line
                 WHERE order_id >= %s GROUP BY order_id) l
         WHERE so.id = l.order_id
        """,
        [first_order],
    )
    cr.execute("DELETE FROM sale_order WHERE id >= %s AND amount_untaxed = 0", [first_order])
    cr.execute("ANALYZE res_partner; ANALYZE sale_order; ANALYZE sale_order_line")
    env.invalidate_all()
    cr.execute("SELECT count(*) FROM sale_order WHERE id >= %s", [first_order])
    order_count = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM sale_order_line WHERE order_id >= %s", [first_order])
    return partner_ids, order_count, cr.fetchone()[0], product


def naive_loop(env, partner_ids):
    """What a per-partner ORM implementation does: search and read each customer's orders,
    compute the same figures, score them, write them back one partner at a time."""
    company = env.company
    today = fields.Date.context_today(env["res.partner"])
    lookback = today - timedelta(days=730)
    year_ago = today - timedelta(days=365)
    rules = env["sales.customer.segmentation"]._tier_rules(company)
    population = []
    for partner in env["res.partner"].browse(partner_ids):
        orders = env["sale.order"].search(
            [("partner_id", "child_of", partner.id), ("state", "=", "sale"), ("company_id", "=", company.id)]
        )
        rows = [
            (o.date_order.date(), o.amount_untaxed / (o.currency_rate or 1.0)) for o in orders if o.amount_untaxed > 0
        ]
        if not rows:
            continue
        days = [d for d, _a in rows]
        population.append(
            seg.CustomerStats(
                partner_id=partner.id,
                order_count=len([d for d in days if d >= lookback]),
                revenue=sum(a for d, a in rows if d >= lookback),
                revenue_12m=sum(a for d, a in rows if d >= year_ago),
                order_count_12m=len([d for d in days if d >= year_ago]),
                lifetime_value=sum(a for _d, a in rows),
                first_order=min(days),
                last_order=max(days),
                order_dates=days,
                country_id=partner.country_id.id,
                state_id=partner.state_id.id,
                total_count=len(rows),
            )
        )
    scores, _b, _f = seg.score_customers(population, today, tier_rules=rules)
    by_id = {s.partner_id: s for s in population}
    for sc in scores:
        st = by_id[sc.partner_id]
        env["res.partner"].browse(sc.partner_id).write(
            {
                "rfm_recency_score": sc.recency,
                "rfm_frequency_score": sc.frequency,
                "rfm_monetary_score": sc.monetary,
                "rfm_segment": sc.segment,
                "lifecycle_stage": sc.lifecycle,
                "sm_order_count": st.total_count,
                "sm_lifetime_value": st.lifetime_value,
                "sm_revenue_12m": st.revenue_12m,
                "sm_purchase_interval": sc.interval_days,
                "predicted_next_order_date": sc.predicted_next,
                "purchase_propensity": sc.propensity,
                "customer_tier_id": sc.tier_id,
            }
        )
    env.flush_all()
    return len(scores)


def existing_data(env):
    """Reuse data generated by an earlier run kept with SM_BENCH_KEEP=1."""
    env.cr.execute("SELECT array_agg(id ORDER BY id) FROM res_partner WHERE name LIKE 'Bench customer %%'")
    partner_ids = env.cr.fetchone()[0]
    if not partner_ids or len(partner_ids) != CUSTOMERS:
        return None
    env.cr.execute("SELECT count(*) FROM sale_order WHERE name LIKE 'BENCH/%%'")
    orders = env.cr.fetchone()[0]
    env.cr.execute(
        "SELECT count(*) FROM sale_order_line l JOIN sale_order o ON o.id = l.order_id WHERE o.name LIKE 'BENCH/%%'"
    )
    return partner_ids, orders, env.cr.fetchone()[0], None


def main():
    if os.environ.get("SM_BENCH_KEEP"):
        with odoo_env(commit=True) as env:
            if not existing_data(env):
                generate(env)
    with odoo_env() as env:
        with Timer() as t_gen:
            partner_ids, orders, lines, _product = existing_data(env) or generate(env)
        report(
            "data",
            [
                ("customers", CUSTOMERS),
                ("confirmed orders", orders),
                ("order lines", lines),
                ("generation (s)", f"{t_gen.seconds:.1f}"),
            ],
        )
        engine = env["sales.customer.segmentation"]
        with Timer() as t_full:
            result = engine._recompute(env.company)
            env.flush_all()
        with Timer() as t_rerun:
            rerun = engine._recompute(env.company)
        # Incremental: 1,000 new orders for 1,000 existing customers, then the dirty pass.
        rnd = random.Random(7)
        customers = rnd.sample(partner_ids, NEW_ORDERS)
        env.cr.execute(
            """
            INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id, company_id,
                                    date_order, picking_policy, state, approval_state, currency_id, currency_rate,
                                    amount_untaxed, amount_tax, amount_total)
            SELECT 'BENCH/NEW/' || p, p, p, p, %s, now(), 'direct', 'sale', 'none', %s, 1.0, 120, 0, 120
              FROM unnest(%s::int[]) p
            """,
            [env.company.id, env.company.currency_id.id, customers],
        )
        env["sales.segment.queue"]._enqueue(customers)
        with Timer() as t_incr:
            touched = engine._cron_recompute_dirty()
            env.flush_all()
        # Naive baseline on a sample, extrapolated.
        env.cr.execute("SAVEPOINT naive")
        sample = rnd.sample(partner_ids, SAMPLE)
        with Timer() as t_naive:
            naive_scored = naive_loop(env, sample)
        env.cr.execute("ROLLBACK TO SAVEPOINT naive")
        naive_full = t_naive.seconds * CUSTOMERS / SAMPLE
        ratio = naive_full / t_full.seconds
        report(
            "customer segment recompute",
            [
                ("full recompute, set-based (s)", f"{t_full.seconds:.2f}  ({result['scored']} scored)"),
                ("re-run with nothing changed (s)", f"{t_rerun.seconds:.2f}  ({rerun['changed']} changed)"),
                (
                    f"naive per-partner ORM loop, {SAMPLE} partners (s)",
                    f"{t_naive.seconds:.2f}  ({naive_scored} scored)",
                ),
                (f"naive loop extrapolated to {CUSTOMERS} partners (s)", f"{naive_full:.1f}"),
                ("speed-up (naive / set-based)", f"{ratio:.1f}x"),
                (f"incremental after {NEW_ORDERS} new orders (s)", f"{t_incr.seconds:.2f}  ({touched} customers)"),
            ],
        )
        print(
            f"\nRESULT full={t_full.seconds:.2f}s naive_extrapolated={naive_full:.1f}s ratio={ratio:.1f}x "
            f"incremental={t_incr.seconds:.2f}s  bars: full<=30s ratio>=30x incremental<=2s"
        )


if __name__ == "__main__":
    main()
