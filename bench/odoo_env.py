"""Open an Odoo environment on the bench database (shared by the bench scripts)."""

import contextlib
import os
import statistics
import time

import odoo
from odoo.modules.module import initialize_sys_path
from odoo.modules.registry import Registry

# Parse the configuration at import, so that the bench scripts can import addons.
odoo.tools.config.parse_config(["-c", os.environ["ODOO_CONF"], "--log-level=info"])  # the engine logs its phase timings
initialize_sys_path()


@contextlib.contextmanager
def odoo_env(commit=False):
    """Yield a superuser environment on $SM_BENCH_DB; rolled back unless ``commit``."""
    registry = Registry(os.environ["SM_BENCH_DB"])
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            yield env
        finally:
            if commit:
                cr.commit()
            else:
                cr.rollback()


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


def report(title, rows):
    print(f"\n== {title}")
    for label, value in rows:
        print(f"  {label:<58} {value}")


def median_in_savepoints(env, prepare, run, repeat):
    """Median seconds of ``run(prepare())``, each attempt rolled back to a savepoint."""
    return interleaved_medians(env, prepare, {"run": run}, repeat)["run"]


def interleaved_medians(env, prepare, runs, repeat):
    """{name: median seconds} of each ``runs[name](prepare())``, the variants alternating in
    every round (so that load changing during the bench weighs on all of them alike), each
    attempt rolled back to a savepoint."""
    times = {name: [] for name in runs}
    for _i in range(repeat):
        for name, run in runs.items():
            env.cr.execute("SAVEPOINT bench_attempt")
            subject = prepare()
            env.flush_all()
            with Timer() as t:
                run(subject)
                env.flush_all()
            times[name].append(t.seconds)
            env.cr.execute("ROLLBACK TO SAVEPOINT bench_attempt")
            env.invalidate_all()
    return {name: statistics.median(values) for name, values in times.items()}
