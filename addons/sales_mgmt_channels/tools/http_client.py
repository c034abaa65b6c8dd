"""HTTP for the channel adapters: one ``requests`` session per run, timeouts, retries.

Retries with exponential backoff and full jitter on connection errors, timeouts, 429 and
5xx answers (``Retry-After`` is honoured), and on bodies that are not valid JSON (a
truncated answer). Errors never contain the credentials handed in as ``secrets``.
"""

import json
import logging
import random
import time

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
    lazy translation: ``str()`` is English, ``render(env)`` the reader's language)."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


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
            response = None
            try:
                response = self.session.request(method, url, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as error:
                problem = f"{type(error).__name__}"
            else:
                if response.status_code < 400:
                    return response
                problem = f"HTTP {response.status_code}"
                if response.status_code not in RETRY_STATUSES:
                    raise ChannelHTTPError(self._describe(method, url, problem, response), response.status_code)
            if attempt > self.retries:
                raise ChannelHTTPError(
                    self._describe(method, url, f"{problem} after {attempt} attempts", response),
                    response.status_code if response is not None else None,
                )
            delay = self.wait_time(attempt, response)
            _logger.info("%s %s: %s, retry %s in %.1f s", method, self.redact(url), problem, attempt, delay)
            self.sleep(delay)

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
