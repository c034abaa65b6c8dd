"""Trial round 2, finding 3: a marketplace that cannot be reached or refuses a call is explained in a
sentence the seller can act on, in the reader's language (pull runs, the channel's Last Error, the
chatter, Test Connection); the technical line (method, URL, what happened) stays under it, and never
the credentials."""

from unittest.mock import patch

import requests

from odoo.exceptions import UserError
from odoo.tests import BaseCase, tagged

from odoo.addons.sales_mgmt_core.tests.common import SalesMgmtCommon
from odoo.addons.sales_mgmt_core.tools.messages import render

from ..tools.http_client import ChannelHTTPError, HttpClient
from .stub_server import Answer, StubServer
from .test_channel_messages_i18n import CJK, _chinese_and_english_readers

DOWN = "http://127.0.0.1:9"


class _Failing:
    """A requests session whose every call raises ``error``."""

    def __init__(self, error):
        self.error = error
        self.calls = 0

    def request(self, *args, **kwargs):
        self.calls += 1
        raise self.error

    def close(self):
        pass


@tagged("post_install", "-at_install")
class TestHttpErrorSentences(BaseCase):
    def setUp(self):
        super().setUp()
        self.stub = StubServer().__enter__()
        self.addCleanup(self.stub.__exit__)

    def _error(self, url, session=None, **kwargs):
        client = HttpClient(secrets=["tok-SECRET", "cs_SECRET"], sleep=lambda _s: None, session=session, **kwargs)
        with self.assertRaises(ChannelHTTPError) as caught:
            client.request("POST", url)
        return caught.exception

    def test_connection_refused(self):
        error = self._error(DOWN + "/router/rest?session=tok-SECRET", retries=1, timeout=0.5)
        sentence, detail = str(error).split("\n")
        self.assertEqual(
            sentence,
            "Could not reach http://127.0.0.1:9: the connection failed (2 attempts). Check the channel's API URL "
            "and that the shop is online.",
        )
        self.assertEqual(detail, "POST http://127.0.0.1:9/router/rest: ConnectionError after 2 attempts")
        self.assertIsNone(error.status)
        self.assertEqual(render(error.message), sentence, "the sentence alone, for other messages")

    def test_timeout(self):
        session = _Failing(requests.ReadTimeout("read timed out"))
        error = self._error("https://shop.example.com/admin/api/graphql.json", session=session, retries=2, timeout=30)
        self.assertEqual(session.calls, 3)
        self.assertTrue(
            str(error).startswith(
                "https://shop.example.com did not answer within 30 seconds (3 attempts). The platform may be slow "
                "or down: try again later.\nPOST https://shop.example.com/admin/api/graphql.json: ReadTimeout"
            ),
            str(error),
        )

    def test_statuses_say_what_to_check(self):
        for status, expected in (
            (401, "refused the credentials (HTTP 401). Check the channel's API key, secret and access token."),
            (403, "refused access (HTTP 403). Check the channel's credentials"),
            (404, "has no such address (HTTP 404). Check the channel's API URL."),
            (429, "is limiting the calls (HTTP 429, 2 attempts). Try again later, or pull less often."),
            (502, "had an error on its side (HTTP 502, 2 attempts). Try again later."),
            (400, "refused the call (HTTP 400)."),
        ):
            self.stub.script("POST", f"/s{status}", [Answer(status, b'{"errors": "token tok-SECRET"}')])
            error = self._error(self.stub.url + f"/s{status}", retries=1)
            sentence, detail = str(error).split("\n")
            self.assertTrue(sentence.startswith(f"{self.stub.url} {expected}"), sentence)
            self.assertIn(f"HTTP {status}", detail)
            self.assertNotIn("tok-SECRET", str(error))
            self.assertEqual(error.status, status)

    def test_user_and_password_in_the_url_are_never_shown(self):
        error = self._error("http://ck_user:cs_SECRET@127.0.0.1:9/wp-json/wc/v3/orders", retries=0)
        self.assertNotIn("cs_SECRET", str(error))
        self.assertIn("Could not reach http://127.0.0.1:9:", str(error))


@tagged("post_install", "-at_install")
class TestChannelHttpErrorsShown(SalesMgmtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        _chinese_and_english_readers(cls, "sm_http_reader")
        cls.channel = cls.env["sales.channel"].create(
            {"name": "Taobao down", "channel_type": "taobao", "base_url": DOWN, "access_token": "tb-SECRET"}
        )

    def _read(self, record, user, fname):
        record.invalidate_recordset()
        return record.with_user(user).with_context(lang=user.lang)[fname]

    @patch.object(HttpClient, "wait_time", return_value=0)
    def test_failed_pull_in_english(self, _wait):
        run = self.channel.with_user(self.reader_en).with_context(lang="en_US")._sync("manual")
        english = self._read(run, self.reader_en, "error")
        self.assertTrue(english.startswith("Could not reach http://127.0.0.1:9: the connection failed"), english)
        self.assertIn("\nPOST http://127.0.0.1:9: ConnectionError after 5 attempts", english)
        self.assertNotIn("tb-SECRET", english)
        summary = self._read(run, self.reader_en, "error_summary")
        self.assertTrue(summary.startswith("Could not reach") and summary.endswith("online. …"), summary)
        last_error = self._read(self.channel, self.reader_en, "last_error")
        self.assertEqual(last_error, summary, "the channel's Last Error: the sentence")
        body = self.channel.message_ids[0].body
        self.assertIn("Pull failed: Could not reach http://127.0.0.1:9", body)
        self.assertIn("<br>POST http://127.0.0.1:9: ConnectionError", body, "the technical line on a line of its own")

    @patch.object(HttpClient, "wait_time", return_value=0)
    def test_failed_pull_in_chinese(self, _wait):
        """The run's error and the channel's Last Error in a zh_CN reader's language, whoever pulled
        (passes once the zh_CN of these sentences is merged into i18n/zh_CN.po)."""
        run = self.channel.with_user(self.reader_en).with_context(lang="en_US")._sync("manual")
        chinese = self._read(run, self.reader_zh, "error")
        self.assertRegex(chinese.split("\n")[0], CJK)
        self.assertIn("http://127.0.0.1:9", chinese)
        self.assertRegex(self._read(self.channel, self.reader_zh, "last_error"), CJK)

    @patch.object(HttpClient, "wait_time", return_value=0)
    def test_test_connection_says_what_to_check(self, _wait):
        with self.assertRaises(UserError) as caught:
            self.channel.with_user(self.reader_en).with_context(lang="en_US").action_test_connection()
        message = caught.exception.args[0]
        self.assertIn("The connection to Taobao down failed: Could not reach http://127.0.0.1:9", message)
        self.assertIn("Check the channel's API URL and that the shop is online.", message)
        self.assertNotIn("tb-SECRET", message)
