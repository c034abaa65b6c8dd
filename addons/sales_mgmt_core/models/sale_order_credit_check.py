from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, format_amount

from ..tools import approval


class SaleOrderCreditCheck(models.AbstractModel):
    """Confirmation check: blocked customer, credit limit, overdue invoices.

    Every order is charged to its customer's commercial partner and, when different, to the
    commercial partner it is invoiced to. Figures are loaded for the whole batch with one
    query each (limits, receivables and overdue amounts, orders not yet invoiced); the batch
    then accumulates its own accepted orders in sequence (see ``tools/approval.py``).
    """

    _name = "sale.order.credit.check"
    _description = "Order Confirmation Check: Credit"

    @api.model
    def _sm_orders_to_check(self, orders):
        """The orders this check applies to (other addons narrow it, e.g. prepaid orders)."""
        return orders

    @api.model
    def _sm_credit_keys(self, order):
        """(commercial partner id, company id) pairs an order is charged to."""
        partners = order.partner_id.commercial_partner_id | order.partner_invoice_id.commercial_partner_id
        return sorted((partner.id, order.company_id.id) for partner in partners)

    @api.model
    def _sm_order_amount(self, order):
        """The order's total in company currency."""
        return order.amount_total / (order.currency_rate or 1.0)

    @api.model
    def _sm_credit_limits(self, keys):
        """{key: (limit, allowed overdue days, blocked)} in company currency: the customer's own
        limit (Odoo's ``use_partner_credit_limit``), else its tier's, else the company default
        (Odoo's company-dependent fallback of ``credit_limit``) when Settings > Invoicing >
        Sales Credit Limit is on."""
        result = {}
        Partner = self.env["res.partner"].sudo()
        for company_id in {company_id for _partner_id, company_id in keys}:
            company = self.env["res.company"].browse(company_id)
            partners = Partner.with_company(company).browse([p for p, c in keys if c == company_id])
            default = 0.0
            if company.account_use_credit_limit:
                default = Partner._fields["credit_limit"].get_company_dependent_fallback(Partner.with_company(company))
            for partner in partners:
                limit = partner.credit_limit if partner.use_partner_credit_limit else 0.0
                limit = limit or partner.customer_tier_id.credit_limit or default or 0.0
                result[partner.id, company_id] = (limit, partner.sm_allowed_overdue_days or 0, partner.sm_credit_block)
        return result

    @api.model
    def _sm_receivables(self, keys, overdue_days):
        """{key: (receivable, overdue)}: posted unreconciled receivable residuals of the partner
        and its contacts plus their draft customer invoices (an order invoiced in draft is no
        longer "to invoice"; draft credit notes do not lower the exposure until posted), and
        the residuals past due by more than the allowed days."""
        if not keys:
            return {}
        today = fields.Date.context_today(self)
        rows = [(p, c, today - timedelta(days=overdue_days[p, c])) for p, c in keys]
        self.env.flush_all()
        result = self.env.execute_query(
            SQL(
                """
            SELECT k.partner_id, k.company_id,
                   COALESCE(SUM(aml.amount_residual), 0),
                   COALESCE(SUM(aml.amount_residual) FILTER (
                       WHERE aml.date_maturity < k.overdue_before AND aml.amount_residual > 0), 0)
              FROM unnest(%s::int[], %s::int[], %s::date[]) AS k(partner_id, company_id, overdue_before)
              JOIN res_partner p ON p.commercial_partner_id = k.partner_id
              JOIN account_move_line aml ON aml.partner_id = p.id AND aml.company_id = k.company_id
              JOIN account_account acc ON acc.id = aml.account_id
             WHERE acc.account_type = 'asset_receivable'
               AND aml.parent_state = 'posted'
               AND aml.reconciled IS NOT TRUE
             GROUP BY k.partner_id, k.company_id
            """,
                [r[0] for r in rows],
                [r[1] for r in rows],
                [r[2] for r in rows],
            )
        )
        drafts = self.env.execute_query(
            SQL(
                """
            SELECT k.partner_id, k.company_id, COALESCE(SUM(am.amount_total_signed), 0)
              FROM unnest(%s::int[], %s::int[]) AS k(partner_id, company_id)
              JOIN account_move am ON am.commercial_partner_id = k.partner_id AND am.company_id = k.company_id
             WHERE am.state = 'draft' AND am.move_type = 'out_invoice'
             GROUP BY k.partner_id, k.company_id
            """,
                [r[0] for r in rows],
                [r[1] for r in rows],
            )
        )
        draft = {(p, c): float(amount) for p, c, amount in drafts}
        return {
            (p, c): (float(receivable) + draft.pop((p, c), 0.0), float(overdue)) for p, c, receivable, overdue in result
        } | {key: (amount, 0.0) for key, amount in draft.items()}

    @api.model
    def _sm_to_invoice(self, keys, exclude_ids):
        """{key: amount}: confirmed orders' ordered and not yet invoiced quantities at their
        tax-included line price, in company currency, whatever the invoicing policy (an order
        invoiced on delivery counts in full until invoiced). An order counts for its
        customer's and its invoiced partner's commercial partner."""
        if not keys:
            return {}
        self.env.flush_all()
        result = self.env.execute_query(
            SQL(
                """
            SELECT k.partner_id, so.company_id,
                   COALESCE(SUM(l.price_total * GREATEST(l.product_uom_qty - l.qty_invoiced, 0)
                                / l.product_uom_qty / COALESCE(NULLIF(so.currency_rate, 0), 1.0)), 0)
              FROM sale_order so
              JOIN res_partner cp ON cp.id = so.partner_id
              JOIN res_partner ip ON ip.id = so.partner_invoice_id
              JOIN sale_order_line l ON l.order_id = so.id
              CROSS JOIN LATERAL (
                  SELECT DISTINCT x FROM unnest(ARRAY[cp.commercial_partner_id, ip.commercial_partner_id]) AS x
              ) AS k(partner_id)
             WHERE so.state = 'sale'
               AND so.company_id = ANY(%s)
               AND k.partner_id = ANY(%s)
               AND so.id != ALL(%s)
               AND l.display_type IS NULL
               AND l.product_uom_qty > 0
             GROUP BY k.partner_id, so.company_id
            """,
                list({c for _p, c in keys}),
                list({p for p, _c in keys}),
                list(exclude_ids) or [0],
            )
        )
        return {(p, c): float(amount) for p, c, amount in result}

    @api.model
    def _sm_ledger(self, orders, include_orders=False):
        """The credit ledger of these orders' partners, credit rows locked first. Confirmed
        orders of the batch itself count in what is to invoice only with ``include_orders``
        (amendments of confirmed orders)."""
        keys = sorted({key for order in orders for key in self._sm_credit_keys(order)})
        limits = self._sm_credit_limits(keys)
        self.env["sales.credit.lock"]._lock_many([key for key in keys if limits[key][0] > 0])
        receivables = self._sm_receivables(keys, {key: limits[key][1] for key in keys})
        to_invoice = self._sm_to_invoice(keys, [] if include_orders else orders.ids)
        ledger = approval.CreditLedger()
        for key in keys:
            receivable, overdue = receivables.get(key, (0.0, 0.0))
            ledger.accounts[key] = approval.CreditAccount(
                limit=limits[key][0],
                receivable=receivable,
                to_invoice=to_invoice.get(key, 0.0),
                overdue=overdue,
                blocked=bool(limits[key][2]),
            )
        return ledger

    @api.model
    def _sm_prepare(self, orders):
        return _CreditChecker(self, self._sm_orders_to_check(orders))

    @api.model
    def _sm_amendment_failures(self, orders):
        """{order: [message]} of confirmed orders that grew and whose partners' credit no longer
        holds with them (an approval held for the order as it was)."""
        orders = self._sm_orders_to_check(orders)
        if not orders:
            return {}
        ledger = self._sm_ledger(orders, include_orders=True)
        partners = self.env["res.partner"]
        result = {}
        for order in orders:
            failures = ledger.evaluate(self._sm_credit_keys(order), 0.0)
            if failures:
                result[order] = [
                    self._sm_message(order, check, partners.browse(key[0]), ledger.accounts[key], 0.0)
                    for key, check, _values in failures
                ]
        return result

    @api.model
    def _sm_figures(self, orders):
        """{order: (key, CreditAccount)} of the customer's commercial partner, for display."""
        ledger = self._sm_ledger(orders)
        return {order: ledger.accounts[self._sm_credit_keys(order)[0]] for order in orders}

    @api.model
    def _sm_message(self, order, check, partner, account, amount):
        currency = order.company_id.currency_id
        name = partner.display_name
        if check == "blocked":
            return self.env._("%(partner)s is blocked for credit reasons.", partner=name)
        if check == "credit_limit":
            return self.env._(
                "%(partner)s: exposure %(exposure)s exceeds the credit limit %(limit)s (receivables "
                "%(receivable)s + ordered not invoiced %(to_invoice)s + this batch %(batch)s + this order "
                "%(order)s).",
                partner=name,
                exposure=format_amount(self.env, account.exposure(amount), currency),
                limit=format_amount(self.env, account.limit, currency),
                receivable=format_amount(self.env, account.receivable, currency),
                to_invoice=format_amount(self.env, account.to_invoice, currency),
                batch=format_amount(self.env, account.accepted, currency),
                order=format_amount(self.env, amount, currency),
            )
        return self.env._(
            "%(partner)s: overdue invoices of %(amount)s past their due date.",
            partner=name,
            amount=format_amount(self.env, account.overdue, currency),
        )


class _CreditChecker:
    """Evaluates the orders of one batch in sequence against one credit ledger."""

    def __init__(self, check, orders):
        self.check = check
        self.orders = orders
        self.ledger = check._sm_ledger(orders) if orders else approval.CreditLedger()

    def _keys_amount(self, order):
        return self.check._sm_credit_keys(order), self.check._sm_order_amount(order)

    def evaluate(self, order):
        if order not in self.orders:
            return []
        keys, amount = self._keys_amount(order)
        partners = order.env["res.partner"]
        return [
            {
                "check": check,
                "partner_id": key[0],
                **self._messages(order, check, partners.browse(key[0]), self.ledger.accounts[key], amount),
                **values,
            }
            for key, check, values in self.ledger.evaluate(keys, amount)
        ]

    def _messages(self, order, check, partner, account, amount):
        """The failure's message in the current language and its translations, rendered now: the
        account's figures change as the batch goes on."""
        translations = order.env["sale.order.hold.reason"]._sm_translations(
            lambda env: self.check.with_env(env)._sm_message(
                order.with_env(env), check, partner.with_env(env), account, amount
            )
        )
        message = self.check._sm_message(order, check, partner, account, amount)
        return {"message": message, "translations": translations}

    def accept(self, order):
        if order in self.orders:
            self.ledger.accept(*self._keys_amount(order))

    def done(self, accepted):
        """Nothing to do after the batch."""
