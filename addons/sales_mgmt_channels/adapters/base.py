"""What every channel adapter does: fetch raw orders, map one to the normalised format,
and (for shops that track shipments) push a fulfilment back.

Adapters are plain Python: they get a :class:`ChannelConfig` and an
:class:`~..tools.http_client.HttpClient`, know nothing of the ORM and are unit-tested
against a stub HTTP server.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from odoo.tools.translate import LazyTranslate

from odoo.addons.sales_mgmt_core.tools.messages import TranslatableError

from ..tools.normalise import PayloadError, describe, parse_decimal

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__, default_lang="en_US")


@dataclass
class ChannelConfig:
    base_url: str = ""
    api_key: str = ""
    api_secret: str = ""
    access_token: str = ""
    page_size: int = 50
    options: dict = field(default_factory=dict)
    #: Shopify: import in the shop's currency (``shopMoney``) instead of the buyer's (``presentmentMoney``).
    use_shop_currency: bool = False

    @property
    def secrets(self):
        return [self.api_key, self.api_secret, self.access_token]


@dataclass
class Fulfilment:
    carrier: str = ""
    tracking_number: str = ""
    tracking_url: str = ""


@dataclass
class BadPage:
    """A page whose body did not parse after the client's retries, yielded by ``fetch`` instead of
    raising: ``request`` is what was asked (URL without secrets, params, cursor/page/window), ``raw``
    the body text as received (whole), ``error`` why (a lazy translation), ``resumable`` whether
    later pages were still fetched."""

    request: dict
    status: int | None
    raw: str
    error: object
    resumable: bool


class AdapterError(TranslatableError):
    """The channel answered something the adapter cannot use; the message is safe to show (a lazy
    translation, or text: ``str()`` is English, ``render(env)`` the reader's language)."""


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


def amount(value, label):
    """The exact Decimal of an amount the adapter computes with; PayloadError naming ``label`` if not a number."""
    errors = []
    number = parse_decimal(value, errors, label, default=Decimal(0))
    if errors:
        raise PayloadError(errors)
    return number


def obj(data, key, label=None):
    """``data[key]`` as an object ({} when absent); PayloadError naming the field otherwise."""
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PayloadError([_lt("%(label)s must be an object (got %(got)s)", label=label or key, got=describe(value))])
    return value


def objs(data, key, label=None):
    """``data[key]`` as a list of objects ([] when absent); PayloadError naming the field otherwise."""
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        got = describe(value) if not isinstance(value, list) else _lt("a list with something else than objects")
        raise PayloadError([_lt("%(label)s must be a list of objects (got %(got)s)", label=label or key, got=got)])
    return value


def redact_request(client, request):
    """``request`` (dict of url/params/...) with every credential the client knows replaced."""
    secrets = [secret for secret in getattr(client, "secrets", ()) if secret]

    def clean(value):
        if isinstance(value, dict):
            return {key: clean(item) for key, item in value.items() if key not in SECRET_PARAMS}
        if isinstance(value, list | tuple):
            return [clean(item) for item in value]
        if isinstance(value, str):
            for secret in secrets:
                value = value.replace(secret, "***")
        return value

    return clean(request)


#: request parameters never stored with a bad page
SECRET_PARAMS = frozenset({"session", "sign", "access_token", "consumer_key", "consumer_secret", "app_secret"})


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
        """The normalised order (a dict, see the README) for one raw order of this channel.

        Structural problems raise PayloadError naming the field, what was expected and what came;
        no Python exception text reaches a user."""
        if not isinstance(raw, dict):
            raise PayloadError(
                [_lt("a %(code)s order must be an object (got %(got)s)", code=self.code, got=describe(raw))]
            )
        try:
            return self._normalise(raw)
        except PayloadError:
            raise
        except (AttributeError, TypeError, ValueError, KeyError, ArithmeticError) as error:
            _logger.info("%s order not normalised: %r", self.code, error)
            raise PayloadError(
                [_lt("the %(code)s order does not have the structure the API documents", code=self.code)]
            ) from None

    def _normalise(self, raw):
        raise NotImplementedError

    def refetch(self, request):
        """The raw orders of a stored :class:`BadPage`'s ``request``, fetched again (Retry)."""
        raise AdapterError(_lt("%(code)s pages cannot be fetched again.", code=self.code))

    def updated_at(self, raw):
        """The raw order's update time as the cursor will store it (ISO text)."""
        raise NotImplementedError

    def push_fulfilment(self, order_ref, fulfilment):
        raise AdapterError(_lt("%(code)s does not accept fulfilments", code=self.code))

    def test_connection(self):
        """A short human message (a lazy translation) when the channel answers with these credentials;
        AdapterError or ChannelHTTPError with a clear message otherwise."""
        raise AdapterError(_lt("%(code)s channels have no connection to test.", code=self.code))

    def bad_page(self, error, request, resumable):
        """The :class:`BadPage` of a body that did not parse (``error``: the client's UnreadableBody)."""
        return BadPage(
            request=redact_request(self.client, request),
            status=error.status,
            raw=error.raw,
            error=error.message,
            resumable=resumable,
        )


class NormalisedAdapter(Adapter):
    """Generic JSON and website channels: the payloads are already normalised; nothing to pull."""

    code = "json"

    def fetch(self, since, until):
        return iter(())

    def normalise(self, raw):
        return raw

    def updated_at(self, raw):
        return raw.get("updated_at") if isinstance(raw, dict) else None
