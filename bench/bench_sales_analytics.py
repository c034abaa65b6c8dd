"""Benchmark: sales analysis, basket pairs and the XLSX export (issue: analytics).

Generates 200,000 confirmed orders with 1,000,000 lines (1,000 products, 4 channels, 5
teams) with SQL, then measures
  1. the sales analysis grouped by month x channel vs Odoo's `sale.report` grouped by
     month x team on the same data (medians of REPEAT runs, same process);
  2. basket pairs over the 200,000 orders;
  3. the XLSX export of 200,000 analysis rows in constant-memory mode vs the naive way
     (search_read everything, xlsxwriter in normal mode): time and peak memory of each.
Run with `make bench BENCH=sales_analytics`; SM_BENCH_SCALE lowers the sizes.
"""

import cProfile
import io
import os
import pstats
import resource
import statistics
from datetime import date, timedelta

from odoo_env import Timer, odoo_env, report  # isort: skip  (sets up Odoo's addons path)

import xlsxwriter

SCALE = float(os.environ.get("SM_BENCH_SCALE", "1"))
REPEAT = int(os.environ.get("SM_BENCH_REPEAT", "3"))
ORDERS = max(500, int(200_000 * SCALE))
LINES = ORDERS * 5
PRODUCTS = 1000
EXPORT_ROWS = max(1000, int(200_000 * SCALE))


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def generate(env):
    cr = env.cr
    company = env.company
    channels = env["sales.channel"].create([{"name": f"Bench channel {i}", "channel_type": "json"} for i in range(4)])
    teams = env["crm.team"].create([{"name": f"Bench team {i}"} for i in range(5)])
    categ = env["product.category"].create({"name": "Bench analytics"})
    products = env["product.product"].create(
        [{"name": f"Bench analytics product {i}", "type": "consu", "categ_id": categ.id} for i in range(PRODUCTS)]
    )
    cr.execute(
        "UPDATE product_product SET standard_price = jsonb_build_object(%s::text, 6) WHERE id = ANY(%s)",
        [company.id, products.ids],
    )
    product_ids = products.ids
    cr.execute("SELECT setseed(0.33)")
    cr.execute(
        """
        INSERT INTO res_partner (name, active, type, autopost_bills, customer_rank, country_id, city,
                                 create_date, write_date)
        SELECT 'Bench analytics customer ' || g, true, 'contact', 'ask', 1, %s, 'City ' || (g %% 50), now(), now()
          FROM generate_series(1, %s) g RETURNING id
        """,
        [env.ref("base.us").id, max(1000, ORDERS // 4)],
    )
    partner_ids = [r[0] for r in cr.fetchall()]
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", [partner_ids])
    cr.execute(
        """
        INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id, company_id, user_id,
                                team_id, channel_id, date_order, picking_policy, state, approval_state,
                                currency_id, currency_rate, amount_untaxed, amount_tax, amount_total,
                                create_date, write_date)
        SELECT 'BENCHA/' || g, p, p, p, %(company)s, %(user)s, (%(teams)s::int[])[1 + g %% 5],
               (%(channels)s::int[])[1 + g %% 4], now() - random() * interval '730 days', 'direct', 'sale',
               'none', %(currency)s, 1.0, 0, 0, 0, now(), now()
          FROM (SELECT g, (%(partners)s::int[])[1 + floor(random() * %(np)s)::int] AS p
                  FROM generate_series(1, %(orders)s) g) s
        RETURNING id
        """,
        {
            "company": company.id,
            "user": env.ref("base.user_admin").id,
            "teams": teams.ids,
            "channels": channels.ids,
            "currency": company.currency_id.id,
            "partners": partner_ids,
            "np": len(partner_ids),
            "orders": ORDERS,
        },
    )
    order_ids = sorted(r[0] for r in cr.fetchall())
    # 5 lines per order; products skewed (a few best sellers) and a built-in affinity: the
    # product after a best seller often comes with it.
    cr.execute(
        """
        INSERT INTO sale_order_line (order_id, name, product_id, product_uom_qty, product_uom_id, price_unit,
                                     customer_lead, price_subtotal, price_total, company_id, currency_id,
                                     create_date, write_date)
        SELECT o, 'Bench', (%(products)s::int[])[1 + ((floor(%(n)s * power(random(), 3))::int + k * (o %% 3)) %% %(n)s)],
               q, %(uom)s, 10, 0, q * 10, q * 10, %(company)s, %(currency)s, now(), now()
          FROM (SELECT o, k, 1 + floor(random() * 4)::int AS q
                  FROM generate_series(%(first)s, %(last)s) o, generate_series(0, 4) k) s
        """,
        {
            "products": product_ids,
            "n": len(product_ids),
            "uom": env.ref("uom.product_uom_unit").id,
            "company": company.id,
            "currency": company.currency_id.id,
            "first": order_ids[0],
            "last": order_ids[-1],
        },
    )
    cr.execute(
        """
        UPDATE sale_order so SET amount_untaxed = l.total, amount_total = l.total
          FROM (SELECT order_id, sum(price_subtotal) total FROM sale_order_line
                 WHERE order_id >= %s GROUP BY order_id) l
         WHERE so.id = l.order_id
        """,
        [order_ids[0]],
    )
    cr.execute("ANALYZE product_product; ANALYZE res_partner; ANALYZE sale_order; ANALYZE sale_order_line")
    env.invalidate_all()
    cr.execute("SELECT count(*) FROM sale_order_line WHERE order_id >= %s", [order_ids[0]])
    return len(order_ids), cr.fetchone()[0]


def median_seconds(run):
    times = []
    for _i in range(REPEAT):
        with Timer() as t:
            run()
        times.append(t.seconds)
    return statistics.median(times)


def naive_export(env, domain):
    """What an export written without care does: read every row through the ORM, then a normal workbook."""
    fields_ = ["date", "order_id", "partner_id", "product_id", "channel_id", "product_uom_qty", "price_subtotal"]
    rows = env["sales.analysis.report"].search_read(domain, fields_, order="date, id")
    stream = io.BytesIO()
    workbook = xlsxwriter.Workbook(stream)
    sheet = workbook.add_worksheet("Lines")
    for r, row in enumerate(rows, start=1):
        for c, name in enumerate(fields_):
            value = row[name]
            sheet.write(r, c, value[1] if isinstance(value, list | tuple) else value)
    workbook.close()
    return len(rows)


def main():
    with odoo_env() as env:
        with Timer() as t_gen:
            orders, lines = generate(env)
        report("data", [("orders / lines", f"{orders} / {lines}"), ("generation (s)", f"{t_gen.seconds:.1f}")])
        Analysis, SaleReport = env["sales.analysis.report"], env["sale.report"]
        groups = Analysis._read_group([], ["date:month", "channel_id"], ["price_subtotal:sum"])
        t_analysis = median_seconds(
            lambda: Analysis._read_group([], ["date:month", "channel_id"], ["price_subtotal:sum"])
        )
        t_sale_report = median_seconds(
            lambda: SaleReport._read_group([("state", "=", "sale")], ["date:month", "team_id"], ["price_subtotal:sum"])
        )
        today = date.today()
        with Timer() as t_basket:
            result = env["sales.basket.pair"]._recompute(today - timedelta(days=800), today, 0.001)
            env.flush_all()
        # Export: a date range holding about EXPORT_ROWS analysis rows.
        env.cr.execute(
            "SELECT date_order FROM sale_order WHERE name LIKE 'BENCHA/%%' ORDER BY date_order DESC OFFSET %s LIMIT 1",
            [max(0, EXPORT_ROWS // 5 - 1)],
        )
        start = env.cr.fetchone()[0].date()
        domain = [("date", ">=", start)]
        rss_before = rss_mb()
        profiler = cProfile.Profile() if os.environ.get("SM_BENCH_PROFILE") else None
        if profiler:
            profiler.enable()
        with Timer() as t_export:
            content, counts = env["sales.analytics.export"].build_workbook(str(start), str(today), [], "channel")
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats(os.environ.get("SM_BENCH_PROFILE_SORT", "cumulative")).print_stats(30)
        rss_fast = rss_mb()
        env.invalidate_all()
        # The naive export runs second: the process's peak RSS can only grow, so its own peak shows.
        with Timer() as t_naive:
            naive_rows = naive_export(env, domain)
        rss_naive = rss_mb()
        report(
            "sales analysis",
            [
                ("analysis, month x channel, median (s)", f"{t_analysis:.3f}  ({len(groups)} groups)"),
                ("sale.report, month x team, median (s)", f"{t_sale_report:.3f}"),
                ("ratio (analysis / sale.report)", f"{t_analysis / t_sale_report:.2f}x"),
                ("basket pairs over all orders (s)", f"{t_basket.seconds:.2f}  ({result['pairs']} pairs)"),
                (
                    "XLSX export, constant memory (s)",
                    f"{t_export.seconds:.2f}  ({counts.get('Lines', 0)} rows, {len(content) / 1e6:.1f} MB file)",
                ),
                ("  process peak RSS after it (MB)", f"{rss_fast:.0f}"),
                ("naive export: search_read + normal workbook (s)", f"{t_naive.seconds:.2f}  ({naive_rows} rows)"),
                ("  process peak RSS after it (MB)", f"{rss_naive:.0f}"),
                ("process RSS before the exports (MB)", f"{rss_before:.0f}"),
            ],
        )
        print(
            f"\nRESULT analysis={t_analysis:.3f}s sale_report={t_sale_report:.3f}s "
            f"ratio={t_analysis / t_sale_report:.2f}x basket={t_basket.seconds:.2f}s "
            f"export={t_export.seconds:.2f}s export_rss={rss_fast:.0f}MB"
        )


if __name__ == "__main__":
    main()
