"""Transaction marks: the records that server code is writing through a guarded path.

Kept in the cursor's cache, so they live for one transaction and never in the context: an
RPC caller can send any context key, but cannot set a mark.
"""

from contextlib import contextmanager


@contextmanager
def marked(records, key):
    """Mark ``records`` under ``key`` for the duration of the block."""
    marks = records.env.cr.cache.setdefault(key, set())
    added = set(records.ids) - marks
    marks |= added
    try:
        yield records
    finally:
        marks -= added


def all_marked(records, key):
    """True when ``records`` is not empty and every one of them is marked under ``key``."""
    return bool(records) and set(records.ids) <= records.env.cr.cache.get(key, set())
