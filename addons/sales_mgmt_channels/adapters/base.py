"""What every channel adapter does: fetch raw orders, map one to the normalised format,
and (for shops that track shipments) push a fulfilment back.

Adapters are plain Python: they get a :class:`ChannelConfig` and an
:class:`~..tools.http_client.HttpClient`, know nothing of the ORM and are unit-tested
against a stub HTTP server.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone


@dataclass
class ChannelConfig:
    base_url: str = ""
    api_key: str = ""
    api_secret: str = ""
    access_token: str = ""
    page_size: int = 50
    options: dict = field(default_factory=dict)

    @property
    def secrets(self):
        return [self.api_key, self.api_secret, self.access_token]


@dataclass
class Fulfilment:
    carrier: str = ""
    tracking_number: str = ""
    tracking_url: str = ""


class AdapterError(Exception):
    """The channel answered something the adapter cannot use; the message is safe to show."""


def utc_iso(moment):
    """Naive-UTC or aware datetime → 'YYYY-MM-DDTHH:MM:SSZ'."""
    if moment.tzinfo:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_cursor(cursor):
    """The stored cursor (ISO UTC) as a naive-UTC datetime, or None."""
    if not cursor:
        return None
    moment = datetime.fromisoformat(cursor.replace("Z", "+00:00"))
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def money(value):
    """A money amount as the channel sent it, kept as text (the normaliser parses it exactly)."""
    return "0" if value in (None, "") else str(value)


class Adapter:
    """Base class; subclasses set ``code`` and implement ``fetch`` and ``normalise``."""

    code = None
    #: the cursor is moved back by this much on the next pull: late writes in the channel are
    #: picked up again and skipped when not newer.
    overlap = timedelta(minutes=5)
    can_push_fulfilment = False

    def __init__(self, config, client):
        self.config = config
        self.client = client

    def fetch(self, since, until):
        """Yield pages (lists) of raw orders updated in [since, until] (naive UTC; since may be None)."""
        raise NotImplementedError

    def normalise(self, raw):
        """The normalised order (a dict, see the README) for one raw order of this channel."""
        raise NotImplementedError

    def updated_at(self, raw):
        """The raw order's update time as the cursor will store it (ISO text)."""
        raise NotImplementedError

    def push_fulfilment(self, order_ref, fulfilment):
        raise AdapterError(f"{self.code} does not accept fulfilments")


class NormalisedAdapter(Adapter):
    """Generic JSON and website channels: the payloads are already normalised; nothing to pull."""

    code = "json"

    def fetch(self, since, until):
        return iter(())

    def normalise(self, raw):
        return raw

    def updated_at(self, raw):
        return raw.get("updated_at") if isinstance(raw, dict) else None
