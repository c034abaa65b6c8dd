import functools
import logging

from odoo import Command, models
from odoo.tools import SQL

from ..tools import normalise

_logger = logging.getLogger(__name__)


class SalesChannel(models.Model):
    """The customer and delivery contact of a normalised order."""

    _inherit = "sales.channel"  # pylint: disable=consider-merging-classes-inherited

    def _match_customers(self, datas):
        """The customer of each order: channel identity → normalised e-mail → E.164 phone → new.

        One query per kind of key for the whole batch; new customers are created together (one
        per real person: orders of the batch with the same key share it) and their channel
        identities recorded.
        """
        Partner = self.env["res.partner"].with_context(active_test=False).with_company(self.company_id)
        Identity = self.env["sales.channel.identity"]
        customers = [data.customer for data in datas]
        country_of = functools.cache(self._country)  # one query per country code of the batch
        buyer_refs = list({c.ref for c in customers if c.ref})
        by_ref = {
            identity.buyer_ref: identity.partner_id
            for identity in Identity.search([("channel_id", "=", self.id), ("buyer_ref", "in", buyer_refs)])
        }
        # Masked buyers (the platform hides who they are) are found by their channel identity only.
        emails = list({c.email for c in customers if c.email and not c.masked})
        by_email = {}
        for partner in Partner.search([("email_normalized", "in", emails), ("type", "=", "contact")], order="id desc"):
            by_email[partner.email_normalized] = partner
        phones = {}
        for customer in customers:
            if customer.phone and not customer.masked and customer.phone not in phones:
                country = country_of(customer.address.country_code) or self.company_id.country_id
                phones[customer.phone] = Partner._phone_format(number=customer.phone, country=country) or False
        by_phone = {}
        for partner in Partner.search(
            [("phone_sanitized", "in", [p for p in phones.values() if p]), ("type", "=", "contact")],
            order="id desc",
        ):
            by_phone[partner.phone_sanitized] = partner
        matched, to_create, create_keys = [], [], {}
        for customer in customers:
            keys = [
                ("ref", customer.ref) if customer.ref else None,
                ("email", customer.email) if customer.email else None,
                ("phone", phones.get(customer.phone)) if phones.get(customer.phone) else None,
            ]
            keys = [key for key in keys if key]
            partner = (
                by_ref.get(customer.ref) or by_email.get(customer.email) or by_phone.get(phones.get(customer.phone))
            )
            if partner:
                matched.append(partner.commercial_partner_id if partner.type != "contact" else partner)
                continue
            index = next((create_keys[key] for key in keys if key in create_keys), None)
            if index is None:
                index = len(to_create)
                to_create.append(self._prepare_partner(customer, country_of(customer.address.country_code)))
            for key in keys:
                create_keys.setdefault(key, index)
            matched.append(index)
        created = Partner.create(to_create) if to_create else Partner
        if created:
            self._propose_duplicates(created)
        partners = [created[item] if isinstance(item, int) else item for item in matched]
        new_identities = {}
        for customer, partner in zip(customers, partners, strict=True):
            if customer.ref and customer.ref not in by_ref:
                new_identities.setdefault(customer.ref, partner.id)
        if new_identities:
            Identity.create(
                [
                    {"channel_id": self.id, "buyer_ref": ref, "partner_id": partner_id}
                    for ref, partner_id in new_identities.items()
                ]
            )
        return partners

    def _propose_duplicates(self, partners):
        """New customers with the same name and postal code as an existing one are flagged for
        review with Odoo's merge wizard (an activity for the channel's salesperson); never merged."""
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
            SELECT new.id, array_agg(old.id ORDER BY old.id)
              FROM res_partner new
              JOIN res_partner old ON lower(old.name) = lower(new.name) AND old.zip = new.zip
                                  AND old.id <> new.id AND old.active AND old.parent_id IS NULL
             WHERE new.id = ANY(%s) AND new.zip IS NOT NULL AND old.id <> ALL(%s)
             GROUP BY new.id
                """,
                partners.ids,
                partners.ids,
            )
        )
        for partner_id, duplicate_ids in rows:
            partner = partners.browse(partner_id)
            partner.sm_possible_duplicate_ids = [Command.set(duplicate_ids)]
            user = self._responsible_user()
            lang_env = self.with_context(lang=user.lang or self.env.lang).env  # the assignee's language
            partner.activity_schedule(
                "sales_mgmt_channels.mail_activity_type_possible_duplicate",
                summary=lang_env._("Possible duplicate customer"),
                note=lang_env._(
                    "Created by channel %s with the same name and postal code as an existing customer.", self.name
                ),
                user_id=user.id,
            )

    def _address_values(self, address, country):
        return {
            "street": address.street or False,
            "street2": address.street2 or False,
            "city": address.city or False,
            "zip": address.zip or False,
            "country_id": country.id or False,
            "state_id": self._state(country, address.state_code).id or False,
        }

    def _prepare_partner(self, customer, country):
        address = customer.address
        if address.masked:
            # A masked address (Taobao's receiver) never goes on the customer: country and state only.
            address = normalise.Address(country_code=address.country_code, state_code=address.state_code)
        values = {
            "name": customer.name,
            "email": customer.email or False,
            "phone": customer.phone or False,
            **self._address_values(address, country),
            "customer_rank": 1,
            "company_id": False,
            "customer_tier_id": self.default_tier_id.id,
        }
        if customer.lang and self.env["res.lang"]._get_code(customer.lang):
            # the channel's hint (Taobao: zh_CN) when that language is active, else Odoo's default
            values["lang"] = customer.lang
        return values

    def _delivery_address(self, partner, address):
        """The customer's delivery contact for ``address``, created once. A masked receiver is kept
        as received on the delivery contact only, with the platform's ``oaid`` (found by it again)."""
        Partner = self.env["res.partner"]
        country = self._country(address.country_code)
        if address.oaid:
            domain = [("parent_id", "=", partner.id), ("type", "=", "delivery"), ("sm_channel_oaid", "=", address.oaid)]
        else:
            domain = [
                ("parent_id", "=", partner.id),
                ("type", "=", "delivery"),
                ("street", "=ilike", address.street or False),
                ("zip", "=", address.zip or False),
                ("city", "=ilike", address.city or False),
                ("name", "=ilike", address.name or False),
            ]
        existing = Partner.search(domain, limit=1)
        if existing:
            return existing
        return Partner.create(
            {
                "parent_id": partner.id,
                "type": "delivery",
                "name": address.name or False,
                "phone": address.phone or False,
                "sm_channel_oaid": address.oaid or False,
                "sm_channel_masked": address.masked,
                **self._address_values(address, country),
            }
        )

    def _country(self, code):
        if not code:
            return self.env["res.country"]
        return self.env["res.country"].search([("code", "=", code.upper())], limit=1)

    def _state(self, country, code):
        if not country or not code:
            return self.env["res.country.state"]
        return self.env["res.country.state"].search([("country_id", "=", country.id), ("code", "=", code)], limit=1)
