"""Lead assignment by workload: a pure-Python algorithm, unit-testable without Odoo.

The ORM layer (``crm.team._sm_assign_leads``) reads each member's current load and
matching criteria once, calls :func:`assign` for the whole batch, then writes the
result grouped by salesperson.
"""

from dataclasses import dataclass, field

NO_MATCH = "no_match"
CAPACITY = "capacity"


@dataclass(frozen=True)
class Weights:
    """Load = count·open leads + revenue·(open expected revenue / 1,000) + overdue·overdue activities."""

    count: float = 1.0
    revenue: float = 0.0
    overdue: float = 0.0


@dataclass
class Member:
    member_id: int
    user_id: int
    open_count: int = 0
    open_revenue: float = 0.0
    overdue: int = 0
    max_open: int = 0  # 0: no cap
    max_revenue: float = 0.0  # 0: no cap
    country_ids: frozenset = frozenset()
    state_ids: frozenset = frozenset()
    industry_ids: frozenset = frozenset()
    category_ids: frozenset = frozenset()
    # Lead ids this member accepts (Odoo's member assignment domain); None: any lead.
    accepted_lead_ids: frozenset | None = None
    assigned: int = field(default=0, compare=False)

    def load(self, weights):
        return (
            weights.count * self.open_count
            + weights.revenue * self.open_revenue / 1000.0
            + weights.overdue * self.overdue
        )

    def at_capacity(self, lead):
        if self.max_open and self.open_count + 1 > self.max_open:
            return True
        return bool(self.max_revenue and self.open_revenue + lead.expected_revenue > self.max_revenue)


@dataclass(frozen=True)
class Lead:
    lead_id: int
    country_id: int | None = None
    state_id: int | None = None
    industry_id: int | None = None
    category_id: int | None = None
    expected_revenue: float = 0.0
    excluded_user_id: int | None = None  # e.g. the salesperson it was taken back from


@dataclass(frozen=True)
class Decision:
    lead_id: int
    member_id: int | None
    user_id: int | None
    load: float | None  # the chosen member's load before this lead
    matched: tuple = ()  # (criterion, id) pairs the member matched explicitly
    failure: str | None = None  # NO_MATCH or CAPACITY when unassigned


def match(member, lead):
    """Criteria the member matches explicitly, or None when the member cannot take the lead.

    A member restricted to countries/states/industries/categories takes only leads with one of
    them; an unrestricted criterion accepts anything. A lead without a region matches no
    restricted region (it is left to unrestricted members).
    """
    if member.accepted_lead_ids is not None and lead.lead_id not in member.accepted_lead_ids:
        return None
    matched = []
    if member.state_ids:
        if lead.state_id not in member.state_ids:
            return None
        matched.append(("state", lead.state_id))
    elif member.country_ids:
        if lead.country_id not in member.country_ids:
            return None
        matched.append(("country", lead.country_id))
    for criterion, allowed, value in (
        ("industry", member.industry_ids, lead.industry_id),
        ("category", member.category_ids, lead.category_id),
    ):
        if allowed:
            if value not in allowed:
                return None
            matched.append((criterion, value))
    return tuple(matched)


DEFAULT_WEIGHTS = Weights()


def assign(leads, members, weights=DEFAULT_WEIGHTS):
    """Assign each lead to the eligible member with the lowest load.

    Ties on load go to the member matching more criteria, then to the one assigned fewer leads
    in this run, then to the lowest member id (deterministic). Loads are updated as leads are
    handed out, so a batch spreads like a sequence of single assignments would.
    Returns one :class:`Decision` per lead, in the order given.
    """
    decisions = []
    for lead in leads:
        best = best_key = best_matched = None
        any_match = False
        for member in members:
            if lead.excluded_user_id and member.user_id == lead.excluded_user_id:
                continue
            matched = match(member, lead)
            if matched is None:
                continue
            any_match = True
            if member.at_capacity(lead):
                continue
            key = (round(member.load(weights), 6), -len(matched), member.assigned, member.member_id)
            if best_key is None or key < best_key:
                best, best_key, best_matched = member, key, matched
        if best is None:
            decisions.append(Decision(lead.lead_id, None, None, None, (), CAPACITY if any_match else NO_MATCH))
            continue
        decisions.append(Decision(lead.lead_id, best.member_id, best.user_id, best_key[0], best_matched))
        best.open_count += 1
        best.open_revenue += lead.expected_revenue
        best.assigned += 1
    return decisions
