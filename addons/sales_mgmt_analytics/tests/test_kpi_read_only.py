import contextlib

from odoo.tests import tagged

from .common import NOV_FROM, NOV_TO, AnalyticsCommon


@tagged("post_install", "-at_install")
class TestKpiReadOnly(AnalyticsCommon):
    """KPIs write nothing (read-only RPC, the phone) and count the orders confirmed since the
    targets' actuals were last refreshed, with the targets' own definition of the actual."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.target = cls.env["sales.target"].search([("user_id", "=", cls.sam.id), ("date_from", "=", NOV_FROM)])
        # Confirmed after the actuals were computed (by the cron, in real life): 90 more for Sam.
        cls._order(cls.x, [(cls.p1, 1, 90)], "2026-11-26 00:00", channel=cls.channel_a)
        cls.env.invalidate_all()

    @contextlib.contextmanager
    def _read_only_transaction(self):
        """The block runs in a read-only transaction, as on a read-only cursor: any INSERT,
        UPDATE or DELETE it runs (or leaves to flush) fails."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("SAVEPOINT sm_kpi_read_only")
        cr.execute("SET LOCAL transaction_read_only = on")
        try:
            yield
            self.env.flush_all()
        finally:
            cr.execute("ROLLBACK TO SAVEPOINT sm_kpi_read_only")
            self.env.invalidate_all()

    def test_get_kpis_is_read_only(self):
        """Declared read-only: the web client's call_kw and JSON-2 may run it on a read-only cursor."""
        self.assertTrue(getattr(self.env["sales.kpi"].get_kpis, "_readonly", False))

    def test_kpis_in_a_read_only_transaction(self):
        self.assertEqual(self.target.actual_revenue, 450)
        written = self.target.write_date
        with self._read_only_transaction():
            (total,) = self.env["sales.kpi"].with_user(self.sam).get_kpis(NOV_FROM, NOV_TO, "none")
            by_user = self.env["sales.kpi"].with_user(self.manager).get_kpis(NOV_FROM, NOV_TO, "user")
        # The order confirmed since the refresh counts at once: 250 + 100 + 100 + 90.
        self.assertEqual(total["revenue"], 540)
        self.assertEqual(total["target_actual"], 540)
        self.assertEqual(total["target_attainment"], 60.0)
        sam = next(row for row in by_user if row["key"] == self.sam.id)
        self.assertEqual((sam["target_actual"], sam["target_attainment"]), (540, 60.0))
        # The target itself is untouched.
        self.assertEqual(self.target.actual_revenue, 450)
        self.assertEqual(self.target.write_date, written)

    def test_targets_screen_agrees_after_refresh(self):
        """The cron's refresh stores exactly what the KPIs already showed."""
        (kpi,) = self.env["sales.kpi"].with_user(self.sam).get_kpis(NOV_FROM, NOV_TO, "none")
        self.assertEqual(self.target.actual_revenue, 450, "the KPI call did not refresh the target")
        self.target._refresh_actuals()  # what the cron (or Refresh Actuals) does
        self.assertEqual(self.target.actual_revenue, kpi["target_actual"])
        self.assertEqual(self.target.attainment_revenue, kpi["target_attainment"])

    def test_actuals_read_without_writing(self):
        """The shared computation: the same figures as stored by a refresh, nothing written."""
        Target = self.env["sales.target"]
        sue_target = Target.create({"user_id": self.sue.id, "date_from": NOV_FROM, "target_revenue": 100})
        targets = self.target | sue_target
        with self._read_only_transaction():
            actuals = targets._read_actuals()
            self.assertEqual(Target.browse()._read_actuals(), {})
        self.assertEqual(actuals[self.target.id]["revenue"], 540)
        self.assertEqual(actuals[sue_target.id]["revenue"], 300)
        self.assertEqual(actuals[self.target.id]["new_customers"], 1, "Customer X's first order")
        self.assertEqual(actuals[self.target.id]["won"], 1)
        targets._refresh_actuals()
        self.assertEqual(targets.mapped("actual_revenue"), [540, 300])
