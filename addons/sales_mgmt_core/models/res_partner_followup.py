import logging

from odoo import api, fields, models
from odoo.tools import formatLang

_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    """Follow-up automation of customers: revisit activities (in the salesperson's language),
    win-back and birthday e-mails."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    def _sm_send_template(self, xmlid):
        """Queue ``xmlid`` for each partner with an e-mail; failures are logged, never raised."""
        template = self.env.ref(xmlid, raise_if_not_found=False)
        partners = self.filtered("email")
        if not template or not partners:
            return partners.browse()
        try:
            template.sudo().send_mail_batch(partners.ids)
        except Exception:  # a broken template must not stop the cron for everyone else
            _logger.exception("Could not queue %s for %d partners", xmlid, len(partners))
            return partners.browse()
        return partners

    def _sm_send_winback(self):
        """Win-back e-mail for customers that just entered "lapsed": once per lapse, i.e.
        not again until they have ordered after the last one was sent."""
        due = self.filtered(
            lambda p: not p.sm_winback_sent_date
            or (p.sm_last_order_date and p.sm_last_order_date > p.sm_winback_sent_date)
        )
        sent = due._sm_send_template("sales_mgmt_core.mail_template_customer_winback")
        sent.write({"sm_winback_sent_date": fields.Date.context_today(self)})
        return sent

    @api.model
    def _cron_customer_followups(self):
        """Daily: revisit activities by tier interval, birthday greetings."""
        self._sm_schedule_revisits()
        self._sm_send_birthday_greetings()

    @api.model
    def _sm_schedule_revisits(self):
        activity_type = self.env.ref("sales_mgmt_core.mail_activity_type_customer_revisit")
        today = fields.Date.context_today(self)
        created = self.env["mail.activity"]
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            partners = self.with_company(company).search(
                [
                    ("parent_id", "=", False),
                    ("user_id", "!=", False),
                    ("customer_tier_id.revisit_interval_days", ">", 0),
                    ("sm_last_order_date", "!=", False),
                ]
            )
            due = partners.filtered(
                lambda p, t=today: (t - p.sm_last_order_date).days >= p.customer_tier_id.revisit_interval_days
            )
            if not due:
                continue
            open_ids = {
                a.res_id
                for a in self.env["mail.activity"].search(
                    [
                        ("res_model", "=", "res.partner"),
                        ("res_id", "in", due.ids),
                        ("activity_type_id", "=", activity_type.id),
                    ]
                )
            }
            model_id = self.env["ir.model"]._get_id("res.partner")
            todo = due.filtered(lambda p, o=open_ids: p.id not in o)
            # In the salesperson's language (the cron writes as en_US): one create per language.
            for lang, partners in todo.grouped(lambda p: p.user_id.lang or self.env.lang or "en_US").items():
                lang_env = self.with_context(lang=lang).env
                created |= lang_env["mail.activity"].create(
                    [
                        {
                            "res_model_id": model_id,
                            "res_id": partner.id,
                            "activity_type_id": activity_type.id,
                            "automated": True,
                            "user_id": partner.user_id.id,
                            "date_deadline": today,
                            "summary": lang_env._(
                                "Revisit %(tier)s customer: no order for %(days)s days",
                                tier=partner.customer_tier_id.with_env(lang_env).name,
                                days=formatLang(lang_env, (today - partner.sm_last_order_date).days, digits=0),
                            ),
                        }
                        for partner in partners
                    ]
                )
        return created

    @api.model
    def _sm_send_birthday_greetings(self):
        today = fields.Date.context_today(self)
        self.flush_model(["active", "birthday", "email", "sm_birthday_greeted_year"])
        self.env.cr.execute(
            """SELECT id FROM res_partner
                WHERE active AND birthday IS NOT NULL AND email IS NOT NULL
                  AND extract(month FROM birthday) = %s AND extract(day FROM birthday) = %s
                  AND COALESCE(sm_birthday_greeted_year, 0) < %s""",
            [today.month, today.day, today.year],
        )
        partners = self.browse([r[0] for r in self.env.cr.fetchall()])
        sent = partners._sm_send_template("sales_mgmt_core.mail_template_customer_birthday")
        sent.sudo().write({"sm_birthday_greeted_year": today.year})
        return sent
