"""Benchmark: lead assignment by workload and target actuals (issue: sales automation).

  1. 10,000 new leads assigned to a 50-person team in one batch (one read of the loads, decisions
     in memory, one write per salesperson, one batch of chatter notes), vs the per-lead path a
     lead created alone takes (read the loads, decide, write, log), on a sample extrapolated;
     and the same comparison including the `create` itself (batch create vs one create per lead);
  2. target actuals for 100 salespeople x 12 months over 1,000,000 order lines.
Run with `make bench BENCH=sales_automation`; SM_BENCH_SCALE lowers the sizes.
"""

import os
import random
from datetime import date

from odoo_env import Timer, odoo_env, report  # isort: skip  (sets up Odoo's addons path)

from dateutil.relativedelta import relativedelta

from odoo import Command

SCALE = float(os.environ.get("SM_BENCH_SCALE", "1"))
LEADS = max(200, int(10_000 * SCALE))
MEMBERS = 50
OPEN_PER_MEMBER = max(2, int(20 * SCALE))
SAMPLE = min(500, max(50, LEADS // 20))
SALESPEOPLE = 100
MONTHS = 12
ORDER_LINES = int(1_000_000 * SCALE)
LINES_PER_ORDER = 3.5
CTX = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True, "no_reset_password": True}


def make_users(env, prefix, count):
    group = env.ref("sales_mgmt_core.group_sales_mgmt_user")
    return env["res.users"].create(
        [
            {"name": f"{prefix} {i}", "login": f"{prefix.lower()}{i}", "group_ids": [Command.link(group.id)]}
            for i in range(count)
        ]
    )


def lead_vals(rnd, team, states, count, prefix):
    return [
        {
            "name": f"{prefix} {i}",
            "team_id": team.id,
            "user_id": False,
            "type": "opportunity",
            "state_id": rnd.choice(states),
            "expected_revenue": rnd.choice([0, 1000, 5000, 20000]),
        }
        for i in range(count)
    ]


def bench_assignment(env):
    rnd = random.Random(11)
    env = env(context=dict(env.context, **CTX))
    users = make_users(env, "Bench seller", MEMBERS)
    team = env["crm.team"].create({"name": "Bench workload team", "sm_workload_assignment": True})
    us = env.ref("base.us")
    states = env["res.country.state"].search([("country_id", "=", us.id)], limit=10).ids
    members = env["crm.team.member"].create([{"crm_team_id": team.id, "user_id": u.id} for u in users])
    # A quarter of the members cover a region only; some have a cap.
    for i, member in enumerate(members[: MEMBERS // 4]):
        member.write({"sm_state_ids": [Command.set(states[i % 5 : i % 5 + 3])], "sm_max_open_leads": 400})
    Lead = env["crm.lead"].with_context(sales_mgmt_no_auto_assign=True)
    Lead.create(
        [
            {"name": f"Open {u.id}-{k}", "user_id": u.id, "team_id": team.id, "expected_revenue": 1000 * k}
            for u in users
            for k in range(OPEN_PER_MEMBER)
        ]
    )
    with Timer() as t_gen:
        leads = Lead.create(lead_vals(rnd, team, states, LEADS, "Bench lead"))
        env.flush_all()

    env.cr.execute("SAVEPOINT batch")
    with Timer() as t_batch:
        outcome = team._sm_assign_leads(leads)
        env.flush_all()
    spread = sorted(len(g) for g in leads.grouped("user_id").values())
    env.cr.execute("ROLLBACK TO SAVEPOINT batch")
    env.invalidate_all()

    env.cr.execute("SAVEPOINT single")
    sample = leads[:SAMPLE]
    with Timer() as t_single:
        for lead in sample:
            team._sm_assign_leads(lead)
        env.flush_all()
    env.cr.execute("ROLLBACK TO SAVEPOINT single")
    env.invalidate_all()

    # Including create: one batch create with assignment vs one create per lead.
    AutoLead = env["crm.lead"]
    env.cr.execute("SAVEPOINT create_batch")
    vals = lead_vals(rnd, team, states, LEADS, "Created lead")
    with Timer() as t_create_batch:
        AutoLead.create(vals)
        env.flush_all()
    env.cr.execute("ROLLBACK TO SAVEPOINT create_batch")
    env.invalidate_all()
    env.cr.execute("SAVEPOINT create_single")
    with Timer() as t_create_single:
        for one in vals[:SAMPLE]:
            AutoLead.create(one)
        env.flush_all()
    env.cr.execute("ROLLBACK TO SAVEPOINT create_single")
    env.invalidate_all()

    single_full = t_single.seconds * LEADS / SAMPLE
    create_single_full = t_create_single.seconds * LEADS / SAMPLE
    ratio = single_full / t_batch.seconds
    create_ratio = create_single_full / t_create_batch.seconds
    report(
        "lead assignment by workload",
        [
            ("team members / open leads before", f"{MEMBERS} / {MEMBERS * OPEN_PER_MEMBER}"),
            ("new leads (created without assignment) (s)", f"{LEADS}  ({t_gen.seconds:.1f})"),
            ("batch assignment (s)", f"{t_batch.seconds:.2f}  ({outcome['assigned']} assigned)"),
            ("leads per member, min / max", f"{spread[0]} / {spread[-1]}"),
            (f"per-lead assignment, {SAMPLE} leads (s)", f"{t_single.seconds:.2f}"),
            (f"per-lead extrapolated to {LEADS} (s)", f"{single_full:.1f}"),
            ("speed-up (per-lead / batch)", f"{ratio:.1f}x"),
            ("batch create + assignment (s)", f"{t_create_batch.seconds:.2f}"),
            (f"one create per lead, {SAMPLE} → {LEADS} extrapolated (s)", f"{create_single_full:.1f}"),
            ("speed-up incl. create", f"{create_ratio:.1f}x"),
        ],
    )
    return t_batch.seconds, single_full, ratio, create_ratio


def bench_targets(env):
    cr = env.cr
    env = env(context=dict(env.context, **CTX))
    users = make_users(env, "Bench target seller", SALESPEOPLE)
    team = env["crm.team"].create({"name": "Bench target team"})
    env["crm.team.member"].create([{"crm_team_id": team.id, "user_id": u.id} for u in users])
    company = env.company
    product = env["product.product"].create({"name": "Bench target product", "type": "consu", "list_price": 40})
    customers = max(1000, ORDER_LINES // 50)
    cr.execute("SELECT setseed(0.17)")
    cr.execute(
        """
        INSERT INTO res_partner (name, active, type, autopost_bills, customer_rank, create_date, write_date)
        SELECT 'Bench target customer ' || g, true, 'contact', 'ask', 1, now(), now()
          FROM generate_series(1, %s) g RETURNING id
        """,
        [customers],
    )
    partner_ids = [r[0] for r in cr.fetchall()]
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", [partner_ids])
    first_month = date.today().replace(day=1) - relativedelta(months=MONTHS - 1)
    cr.execute(
        """
        INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id, company_id, user_id,
                                team_id, date_order, picking_policy, state, approval_state, currency_id,
                                currency_rate, amount_untaxed, amount_tax, amount_total, create_date, write_date)
        SELECT 'BENCHT/' || g, p, p, p, %(company)s, (%(users)s::int[])[1 + (g %% %(nusers)s)], %(team)s,
               %(start)s::timestamp + random() * (now() - %(start)s::timestamp), 'direct', 'sale', 'none',
               %(currency)s, 1.0, 40 * (1 + g %% 7), 0, 40 * (1 + g %% 7), now(), now()
          FROM (SELECT g, (%(partners)s::int[])[1 + floor(random() * %(npartners)s)::int] AS p
                  FROM generate_series(1, %(orders)s) g) s
        RETURNING id
        """,
        {
            "company": company.id,
            "users": users.ids,
            "nusers": len(users),
            "team": team.id,
            "start": first_month,
            "currency": company.currency_id.id,
            "partners": partner_ids,
            "npartners": len(partner_ids),
            "orders": int(ORDER_LINES / LINES_PER_ORDER),
        },
    )
    order_ids = sorted(r[0] for r in cr.fetchall())
    cr.execute(
        """
        INSERT INTO sale_order_line (order_id, name, product_id, product_uom_qty, price_unit, customer_lead,
                                     price_subtotal, company_id, currency_id, create_date, write_date)
        SELECT o, 'Bench', %(product)s, 1, 40, 0, 40, %(company)s, %(currency)s, now(), now()
          FROM generate_series(%(first)s, %(last)s) o, generate_series(1, 6) k
         WHERE k <= 1 + (o %% 6)
         LIMIT %(lines)s
        """,
        {
            "product": product.id,
            "company": company.id,
            "currency": company.currency_id.id,
            "first": order_ids[0],
            "last": order_ids[-1],
            "lines": ORDER_LINES,
        },
    )
    cr.execute("SELECT count(*) FROM sale_order_line WHERE order_id >= %s", [order_ids[0]])
    lines = cr.fetchone()[0]
    cr.execute("ANALYZE res_partner; ANALYZE sale_order; ANALYZE sale_order_line")
    Target = env["sales.target"]
    vals = [
        {
            "user_id": u.id,
            "date_from": first_month + relativedelta(months=m),
            "target_revenue": 50_000,
            "target_new_customers": 20,
            "target_won": 5,
            "target_activities": 40,
        }
        for u in users
        for m in range(MONTHS)
    ]
    with Timer() as t_create:
        targets = Target.create(vals)
        env.flush_all()
    with Timer() as t_refresh:
        targets._refresh_actuals()
        env.flush_all()
    total = sum(targets.mapped("actual_revenue"))
    cr.execute("SELECT sum(amount_untaxed) FROM sale_order WHERE id >= %s AND state = 'sale'", [order_ids[0]])
    expected = cr.fetchone()[0]
    report(
        "target actuals",
        [
            ("salespeople x months / orders / order lines", f"{SALESPEOPLE} x {MONTHS} / {len(order_ids)} / {lines}"),
            ("create 1,200 targets incl. actuals (s)", f"{t_create.seconds:.2f}"),
            ("refresh actuals + scores + ranks (s)", f"{t_refresh.seconds:.2f}"),
            ("revenue attributed / generated", f"{total:,.0f} / {expected:,.0f}"),
        ],
    )
    return t_refresh.seconds


def main():
    with odoo_env() as env:
        t_batch, single_full, ratio, create_ratio = bench_assignment(env)
    with odoo_env() as env:
        t_targets = bench_targets(env)
    print(
        f"\nRESULT assign_batch={t_batch:.2f}s per_lead_extrapolated={single_full:.1f}s ratio={ratio:.1f}x "
        f"ratio_incl_create={create_ratio:.1f}x targets_refresh={t_targets:.2f}s"
    )


if __name__ == "__main__":
    main()
