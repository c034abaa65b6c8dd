"""HTTP for the channel adapters: one ``requests`` session per run, timeouts, retries.

Retries with exponential backoff and full jitter on connection errors, timeouts, 429 and
5xx answers (``Retry-After`` is honoured), and on bodies that are not valid JSON (a
truncated answer). Errors never contain the credentials handed in as ``secrets``.
"""

import json
import logging
import random
import time
from urllib.parse import urlsplit

import requests

from odoo.tools.translate import LazyTranslate

from odoo.addons.sales_mgmt_core.tools.messages import TranslatableError

from .normalise import json_problem

_lt = LazyTranslate(__name__, default_lang="en_US")

_logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDACTED = "***"


class ChannelHTTPError(TranslatableError):
    """The channel could not be reached or refused the call; the message is safe to show (text, or a
    lazy translation: ``str()`` is English, ``render(env)`` the reader's language). ``detail``: the
    technical line under it (method, URL, what happened; without credentials), not translated."""

    separator = "\n"

    def __init__(self, message, status=None, detail=None):
        super().__init__(*(m for m in (message, detail) if m))
        self.status = status

    @property
    def message(self):
        """The sentence for the seller, without the technical line: to be an argument of another message."""
        return self.args[0]


class UnreadableBody(ChannelHTTPError):
    """The channel kept answering a body that is not JSON (e.g. truncated); ``raw`` is its text, whole."""

    def __init__(self, message, status=None, raw=""):
        super().__init__(message, status)
        self.raw = raw


class HttpClient:
    def __init__(
        self,
        secrets=(),
        timeout=30,
        retries=4,
        backoff=1.0,
        max_backoff=60.0,
        sleep=time.sleep,
        session=None,
    ):
        self.secrets = [s for s in secrets if s]
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.sleep = sleep
        self.session = session or requests.Session()
        self.calls = 0  # requests sent, retries included

    def redact(self, text):
        text = str(text)
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def wait_time(self, attempt, response=None):
        """Seconds before retry number ``attempt`` (1-based): Retry-After, else jittered backoff."""
        if response is not None:
            retry_after = response.headers.get("Retry-After")
            if retry_after and retry_after.replace(".", "", 1).isdigit():
                return min(float(retry_after), self.max_backoff)
        return random.uniform(0, min(self.max_backoff, self.backoff * 2 ** (attempt - 1)))

    def request(self, method, url, **kwargs):
        """The response of a successful call (2xx), after retries; ChannelHTTPError otherwise."""
        kwargs.setdefault("timeout", self.timeout)
        attempt = 0
        while True:
            attempt += 1
            self.calls += 1
            response = error = None
            try:
                response = self.session.request(method, url, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as exc:
                error = exc
                problem = f"{type(exc).__name__}"
            else:
                if response.status_code < 400:
                    return response
                problem = f"HTTP {response.status_code}"
                if response.status_code not in RETRY_STATUSES:
                    raise self._error(method, url, problem, response, error, attempt, kwargs["timeout"])
            if attempt > self.retries:
                problem = f"{problem} after {attempt} attempts"
                raise self._error(method, url, problem, response, error, attempt, kwargs["timeout"])
            delay = self.wait_time(attempt, response)
            _logger.info("%s %s: %s, retry %s in %.1f s", method, self.redact(url), problem, attempt, delay)
            self.sleep(delay)

    def _error(self, method, url, problem, response, error, attempts, timeout):
        """ChannelHTTPError of a call that failed: a sentence the seller can act on, in the reader's
        language, then the technical line (method, URL, what happened, the start of the answer)."""
        status = response.status_code if response is not None else None
        site = self.redact(_site(url))
        if status is None:
            sentence = unanswered_problem(site, error, attempts, timeout)
        else:
            sentence = http_problem(site, status, attempts)
        return ChannelHTTPError(
            sentence,
            status,
            detail=self._describe(method, url, problem, response),
        )

    def request_json(self, method, url, **kwargs):
        """Parsed JSON of a successful call; an unreadable (e.g. truncated) body is retried too."""
        attempt = 0
        while True:
            attempt += 1
            response = self.request(method, url, **kwargs)
            try:
                return response.json(), response
            except ValueError as error:  # requests' JSONDecodeError is one
                if attempt > self.retries:
                    text = response.text or ""
                    # the position and size, in words: never the parser's own message
                    problem = json_problem(error if isinstance(error, json.JSONDecodeError) else None, text)
                    raise UnreadableBody(
                        _lt(
                            "%(request)s: %(problem)s (same answer %(count)s times).",
                            request=self.redact(f"{method} {url.split('?')[0]}"),
                            problem=problem,
                            count=attempt,
                        ),
                        response.status_code,
                        text,
                    ) from None
                delay = self.wait_time(attempt)
                _logger.info("%s %s: invalid JSON, retry %s in %.1f s", method, self.redact(url), attempt, delay)
                self.sleep(delay)

    def _describe(self, method, url, problem, response):
        text = f"{method} {url.split('?')[0]}: {problem}"
        if response is not None and response.text:
            text += f" - {response.text[:300]}"
        return self.redact(text)

    def close(self):
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _site(url):
    """``scheme://host[:port]`` of ``url``: where the call went, without user, path or query."""
    parts = urlsplit(str(url))
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{parts.scheme}://{host}" if parts.scheme and host else str(url).split("?")[0]


def unanswered_problem(site, error=None, attempts=1, timeout=None):
    """Why a call to ``site`` got no answer (``error``: the requests exception), as a lazy sentence
    saying what to check."""
    if isinstance(error, requests.Timeout) and not isinstance(error, requests.ConnectTimeout):
        return _lt(
            "%(site)s did not answer within %(seconds)s seconds (%(count)s attempts). The platform may be "
            "slow or down: try again later.",
            site=site,
            seconds=timeout,
            count=attempts,
        )
    return _lt(
        "Could not reach %(site)s: the connection failed (%(count)s attempts). Check the channel's API URL "
        "and that the shop is online.",
        site=site,
        count=attempts,
    )


def http_problem(site, status, attempts=1):
    """Why ``site`` answered the HTTP error ``status``, as a lazy sentence saying what to check."""
    if status == 401:
        return _lt(
            "%(site)s refused the credentials (HTTP 401). Check the channel's API key, secret and access token.",
            site=site,
        )
    if status == 403:
        return _lt(
            "%(site)s refused access (HTTP 403). Check the channel's credentials and that they may read and "
            "update orders.",
            site=site,
        )
    if status == 404:
        return _lt("%(site)s has no such address (HTTP 404). Check the channel's API URL.", site=site)
    if status == 429:
        return _lt(
            "%(site)s is limiting the calls (HTTP 429, %(count)s attempts). Try again later, or pull less often.",
            site=site,
            count=attempts,
        )
    if status >= 500:
        return _lt(
            "%(site)s had an error on its side (HTTP %(status)s, %(count)s attempts). Try again later.",
            site=site,
            status=status,
            count=attempts,
        )
    return _lt("%(site)s refused the call (HTTP %(status)s).", site=site, status=status)
