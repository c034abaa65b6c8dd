"""Unit tests of the pure sales-automation functions (no database needed)."""

import unittest
from datetime import date, datetime

from ..tools import assignment as asg
from ..tools import business_card, followup, performance


def member(mid, **kw):
    return asg.Member(member_id=mid, user_id=100 + mid, **kw)


class TestAssignment(unittest.TestCase):
    def test_lowest_load_wins_and_loads_update(self):
        members = [member(1, open_count=5), member(2, open_count=2)]
        leads = [asg.Lead(i) for i in range(1, 5)]
        decisions = asg.assign(leads, members)
        # m2 takes leads until its load reaches m1's (2→5), then the tie goes to fewer assigned.
        self.assertEqual([d.member_id for d in decisions], [2, 2, 2, 1])
        self.assertEqual([d.load for d in decisions], [2, 3, 4, 5])

    def test_tie_breaks_on_specificity_then_member_id(self):
        members = [member(1), member(2, country_ids=frozenset({7})), member(3)]
        decisions = asg.assign([asg.Lead(1, country_id=7), asg.Lead(2, country_id=8)], members)
        self.assertEqual(decisions[0].member_id, 2)
        self.assertEqual(decisions[0].matched, (("country", 7),))
        self.assertEqual(decisions[1].member_id, 1, "equal loads: lowest member id")

    def test_weights(self):
        weights = asg.Weights(count=1.0, revenue=0.1, overdue=2.0)
        busy = member(1, open_count=10, open_revenue=25_000.0)  # 10 + 2.5
        late = member(2, open_count=3, overdue=5)  # 3 + 10
        self.assertEqual(busy.load(weights), 12.5)
        self.assertEqual(asg.assign([asg.Lead(1)], [busy, late], weights)[0].member_id, 1)

    def test_everyone_at_capacity(self):
        members = [member(1, open_count=3, max_open=3), member(2, open_revenue=900.0, max_revenue=1000.0)]
        decisions = asg.assign([asg.Lead(1, expected_revenue=200.0), asg.Lead(2)], members)
        self.assertIsNone(decisions[0].member_id)
        self.assertEqual(decisions[0].failure, asg.CAPACITY)
        self.assertEqual(decisions[1].member_id, 2, "a lead without revenue still fits the revenue cap")

    def test_no_match(self):
        members = [member(1, state_ids=frozenset({1})), member(2, category_ids=frozenset({9}))]
        decision = asg.assign([asg.Lead(1, state_id=2, category_id=8)], members)[0]
        self.assertEqual(decision.failure, asg.NO_MATCH)

    def test_state_takes_precedence_over_country(self):
        east = member(1, country_ids=frozenset({1}), state_ids=frozenset({10}))
        self.assertIsNone(asg.match(east, asg.Lead(1, country_id=1, state_id=11)))
        self.assertEqual(asg.match(east, asg.Lead(2, country_id=1, state_id=10)), (("state", 10),))

    def test_excluded_user_and_accepted_ids(self):
        members = [member(1), member(2, accepted_lead_ids=frozenset({5}))]
        decisions = asg.assign([asg.Lead(5, excluded_user_id=101), asg.Lead(6, excluded_user_id=101)], members)
        self.assertEqual(decisions[0].member_id, 2)
        self.assertEqual(decisions[1].failure, asg.NO_MATCH)


class TestBusinessDays(unittest.TestCase):
    def test_weekend_is_skipped(self):
        friday = datetime(2026, 11, 20, 10, 0)
        self.assertEqual(followup.business_days_between(friday, datetime(2026, 11, 22, 10, 0)), 0)
        self.assertEqual(followup.business_days_between(friday, datetime(2026, 11, 23, 10, 0)), 1)
        self.assertEqual(followup.business_days_between(friday, datetime(2026, 11, 24, 10, 0)), 2)
        self.assertEqual(followup.business_days_between(friday, datetime(2026, 12, 4, 10, 0)), 10)

    def test_time_zone_moves_the_day(self):
        # Monday 23:30 UTC is already Tuesday in Shanghai, still Monday in New York.
        start, end = datetime(2026, 11, 23, 1, 0), datetime(2026, 11, 23, 23, 30)
        self.assertEqual(followup.business_days_between(start, end, "Asia/Shanghai"), 1)
        self.assertEqual(followup.business_days_between(start, end, "America/New_York"), 1)
        self.assertEqual(followup.business_days_between(start, end, "UTC"), 0)
        self.assertEqual(followup.business_days_between(start, end, "Not/AZone"), 0)

    def test_holidays(self):
        friday = datetime(2026, 12, 18, 10, 0)
        holidays = frozenset({date(2026, 12, 25), date(2026, 12, 26)})  # Friday and Saturday
        self.assertEqual(followup.business_days_between(friday, datetime(2026, 12, 28, 9, 0), None, holidays), 5)

    def test_followup_steps(self):
        self.assertIsNone(followup.followup_step(2, "none", 3, 2))
        self.assertEqual(followup.followup_step(3, "none", 3, 2), "remind")
        self.assertEqual(followup.followup_step(9, "none", 3, 2), "remind", "escalation needs a reminder first")
        self.assertIsNone(followup.followup_step(4, "reminded", 3, 2))
        self.assertEqual(followup.followup_step(5, "reminded", 3, 2), "escalate")
        self.assertIsNone(followup.followup_step(9, "reminded", 3, 0))
        self.assertIsNone(followup.followup_step(9, "escalated", 3, 2))
        self.assertIsNone(followup.followup_step(9, "none", 0, 2))


class TestBusinessCard(unittest.TestCase):
    def test_western_card(self):
        parsed = business_card.parse_card(
            "Jane Doe\nHead of Purchasing\nAcme Trading Ltd\nTel: +44 20 7946 0958\n"
            "Mobile: +44 7700 900123\nE-mail: Jane.Doe@Acme.example\nwww.acme.example"
        )
        self.assertEqual(parsed["contact_name"], "Jane Doe")
        self.assertEqual(parsed["function"], "Head of Purchasing")
        self.assertEqual(parsed["partner_name"], "Acme Trading Ltd")
        self.assertEqual(parsed["phone"], "+44 20 7946 0958")
        self.assertEqual(parsed["mobile"], "+44 7700 900123")
        self.assertEqual(parsed["email_from"], "jane.doe@acme.example")
        self.assertEqual(parsed["website"], "www.acme.example")

    def test_chinese_card_and_empty(self):
        parsed = business_card.parse_card(
            "王伟\n销售经理\n上海星辰贸易有限公司\n手机\uff1a138 0013 8000\nwang.wei@xingchen.cn"
        )
        self.assertEqual(parsed["contact_name"], "王伟")
        self.assertEqual(parsed["function"], "销售经理")
        self.assertEqual(parsed["partner_name"], "上海星辰贸易有限公司")
        self.assertEqual(parsed["mobile"], "138 0013 8000")
        self.assertEqual(business_card.parse_card("")["contact_name"], "")


class TestPerformance(unittest.TestCase):
    def test_score_renormalises_untargeted_metrics(self):
        att = {"revenue": performance.attainment(80, 100), "won": performance.attainment(3, 2), "activities": None}
        weights = {"revenue": 40, "won": 20, "activities": 40}
        self.assertEqual(performance.score(att, weights), round(100 * (40 * 0.8 + 20 * 1.5) / 60, 2))

    def test_attainment_is_capped(self):
        self.assertEqual(performance.score({"revenue": 10.0}, {"revenue": 1}), 200.0)
        self.assertIsNone(performance.attainment(5, 0))
        self.assertEqual(performance.score({}, {"revenue": 1}), 0.0)

    def test_competition_ranks(self):
        self.assertEqual(performance.competition_ranks({1: 90, 2: 95, 3: 90, 4: 10}), {2: 1, 1: 2, 3: 2, 4: 4})
