from ast import literal_eval

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import assignment


class CrmTeam(models.Model):
    _inherit = "crm.team"

    sm_workload_assignment = fields.Boolean(
        "Assign by Workload",
        tracking=True,
        help="Leads created without a salesperson are given at once to the available member with the lowest "
        "load; a scheduled action retries those left unassigned.",
    )
    sm_load_weight_count = fields.Float("Weight per Open Lead", default=1.0)
    sm_load_weight_revenue = fields.Float(
        "Weight per 1,000 of Open Revenue", default=0.1, help="Load added per 1,000 of open expected revenue."
    )
    sm_load_weight_overdue = fields.Float("Weight per Overdue Activity", default=2.0)
    sm_capacity_notified = fields.Date("Capacity Alert Sent", readonly=True, copy=False)

    @api.constrains("sm_load_weight_count", "sm_load_weight_revenue", "sm_load_weight_overdue")
    def _check_sm_load_weights(self):
        for team in self:
            if min(team.sm_load_weight_count, team.sm_load_weight_revenue, team.sm_load_weight_overdue) < 0:
                raise ValidationError(self.env._("Load weights of %s cannot be negative.", team.name))

    def action_sm_assign_leads(self):
        """Assign the team's unassigned open leads now (button and cron)."""
        result = {"assigned": 0, "unassigned": 0}
        for team in self.filtered("sm_workload_assignment"):
            leads = self.env["crm.lead"].search(
                [("team_id", "=", team.id), ("user_id", "=", False), ("won_status", "=", "pending")]
            )
            outcome = team._sm_assign_leads(leads)
            result["assigned"] += outcome["assigned"]
            result["unassigned"] += outcome["unassigned"]
        return result

    @api.model
    def _cron_sm_assign_leads(self):
        return self.search([("sm_workload_assignment", "=", True)]).action_sm_assign_leads()

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _sm_weights(self):
        return assignment.Weights(
            count=self.sm_load_weight_count,
            revenue=self.sm_load_weight_revenue,
            overdue=self.sm_load_weight_overdue,
        )

    def _sm_eligible_members(self, leads):
        """Active memberships of active, available users allowed in the leads' companies."""
        today = fields.Date.context_today(self)
        companies = leads.company_id
        return self.crm_team_member_ids.filtered(
            lambda m: m._sm_is_available(today) and companies <= m.user_id.company_ids
        )

    def _sm_member_loads(self, members):
        """{user id: (open leads, open expected revenue, overdue activities)} in two aggregates."""
        users = members.user_id
        loads = {uid: [0, 0.0, 0] for uid in users.ids}
        Lead = self.env["crm.lead"].with_context(active_test=True)
        for user, count, revenue in Lead._read_group(
            [("user_id", "in", users.ids), ("won_status", "=", "pending")],
            ["user_id"],
            ["__count", "expected_revenue:sum"],
        ):
            loads[user.id][0:2] = [count, revenue or 0.0]
        for user, count in self.env["mail.activity"]._read_group(
            [("user_id", "in", users.ids), ("date_deadline", "<", fields.Date.context_today(self))],
            ["user_id"],
            ["__count"],
        ):
            loads[user.id][2] = count
        return loads

    def _sm_prepare_member(self, member, load, leads):
        accepted = None
        domain = literal_eval(member.assignment_domain or "[]")
        if domain:
            accepted = frozenset(leads.filtered_domain(domain).ids)
        return assignment.Member(
            member_id=member.id,
            user_id=member.user_id.id,
            open_count=load[0],
            open_revenue=load[1],
            overdue=load[2],
            max_open=member.sm_max_open_leads,
            max_revenue=member.sm_max_open_revenue,
            country_ids=frozenset(member.sm_country_ids.ids),
            state_ids=frozenset(member.sm_state_ids.ids),
            industry_ids=frozenset(member.sm_industry_ids.ids),
            category_ids=frozenset(member.sm_product_category_ids.ids),
            accepted_lead_ids=accepted,
        )

    def _sm_prepare_lead(self, lead):
        return assignment.Lead(
            lead_id=lead.id,
            country_id=lead.country_id.id or None,
            state_id=lead.state_id.id or None,
            industry_id=lead.sm_industry_id.id or None,
            category_id=lead.sm_product_category_id.id or None,
            expected_revenue=lead.expected_revenue or 0.0,
            excluded_user_id=lead.sm_pool_user_id.id or None,
        )

    def _sm_assign_leads(self, leads):
        """Assign ``leads`` (of this team) by workload; explain each decision in the chatter.

        One read of the members' loads, the whole batch decided in memory, one write per
        salesperson and one batch of chatter notes. Leads nobody can take stay unassigned and
        the team leader is told once a day.
        """
        self.ensure_one()
        leads = leads.filtered(lambda lead: not lead.user_id)
        if not leads:
            return {"assigned": 0, "unassigned": 0}
        members = self._sm_eligible_members(leads)
        loads = self._sm_member_loads(members)
        weights = self._sm_weights()
        plan = [self._sm_prepare_member(m, loads[m.user_id.id], leads) for m in members]
        decisions = assignment.assign([self._sm_prepare_lead(lead) for lead in leads], plan, weights)
        by_user, bodies, failed = {}, {}, []
        names = self._sm_criterion_names(decisions)
        users = {m.user_id.id: m.user_id for m in members}
        for decision in decisions:
            if decision.user_id is None:
                failed.append(decision)
                continue
            by_user.setdefault(decision.user_id, []).append(decision.lead_id)
            explanation = self._sm_explain(users[decision.user_id], decision, names)
            bodies[decision.lead_id] = Markup("<p>%s</p>") % explanation
        Lead = self.env["crm.lead"].with_context(mail_auto_subscribe_no_notify=True, sales_mgmt_no_auto_assign=True)
        for user_id, lead_ids in by_user.items():
            Lead.browse(lead_ids).write({"user_id": user_id})
        if bodies:
            Lead.browse(list(bodies))._message_log_batch(bodies)
        if failed:
            self._sm_notify_unassigned(failed)
        return {"assigned": len(bodies), "unassigned": len(failed)}

    def _sm_criterion_names(self, decisions):
        ids = {}
        for decision in decisions:
            for criterion, rec_id in decision.matched:
                ids.setdefault(criterion, set()).add(rec_id)
        models_by_criterion = {
            "country": "res.country",
            "state": "res.country.state",
            "industry": "res.partner.industry",
            "category": "product.category",
        }
        return {
            (criterion, rec.id): rec.display_name
            for criterion, rec_ids in ids.items()
            for rec in self.env[models_by_criterion[criterion]].browse(rec_ids)
        }

    def _sm_explain(self, user, decision, names):
        labels = {
            "country": self.env._("country"),
            "state": self.env._("region"),
            "industry": self.env._("industry"),
            "category": self.env._("product interest"),
        }
        matches = ", ".join(f"{labels[c]} {names[(c, i)]}" for c, i in decision.matched)
        if matches:
            return self.env._(
                "Assigned to %(user)s: lowest load %(load)s, matches %(matches)s.",
                user=user.name,
                load=f"{decision.load:g}",
                matches=matches,
            )
        return self.env._("Assigned to %(user)s: lowest load %(load)s.", user=user.name, load=f"{decision.load:g}")

    def _sm_notify_unassigned(self, failed):
        """Tell the team leader, at most once a day, that leads could not be assigned."""
        today = fields.Date.context_today(self)
        if self.sm_capacity_notified == today:
            return
        capacity = sum(1 for d in failed if d.failure == assignment.CAPACITY)
        body = self.env._(
            "%(count)s lead(s) could not be assigned: %(capacity)s because every matching member is at capacity, "
            "%(other)s because no available member matches them.",
            count=len(failed),
            capacity=capacity,
            other=len(failed) - capacity,
        )
        leader = self.user_id
        self.message_post(
            body=body,
            partner_ids=leader.partner_id.ids,
            subtype_xmlid="mail.mt_note",
            message_type="notification" if not leader else "comment",
        )
        self.sm_capacity_notified = today
