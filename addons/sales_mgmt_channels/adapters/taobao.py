"""Taobao / Tmall Open Platform (TOP): ``taobao.trades.sold.increment.get`` in windows of at
most one day, pages walked from the last backwards (as TOP documents, so that trades modified
while paging are not skipped), then ``taobao.trade.fullinfo.get`` per trade; requests signed."""

import hashlib
import hmac
import math
from datetime import datetime, timedelta, timezone

from odoo.tools.translate import LazyTranslate

from ..tools.http_client import UnreadableBody
from ..tools.normalise import PayloadError, describe, is_masked
from .base import Adapter, AdapterError, amount, money

_lt = LazyTranslate(__name__, default_lang="en_US")

GATEWAY = "https://eco.taobao.com/router/rest"
CHINA = timezone(timedelta(hours=8))
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
MAX_WINDOW = timedelta(days=1)
#: TOP error codes worth retrying: call limits and platform-side failures.
RETRY_CODES = {"7", "520", "isp.top-remote-connection-timeout", "isp.call-limited", "isp.remote-service-error"}
INCREMENT_FIELDS = "tid,status,modified"
TRADE_FIELDS = (
    "tid,status,modified,created,pay_time,consign_time,payment,post_fee,total_fee,discount_fee,adjust_fee,"
    "buyer_nick,buyer_open_uid,buyer_email,buyer_message,receiver_name,receiver_state,receiver_city,"
    "receiver_district,receiver_town,receiver_address,receiver_zip,receiver_mobile,receiver_phone,oaid,"
    "orders.oid,orders.outer_sku_id,orders.outer_iid,orders.title,orders.num,orders.price,orders.payment,"
    "orders.total_fee,orders.discount_fee,orders.adjust_fee,orders.divide_order_fee,orders.refund_status,"
    "orders.status,orders.logistics_company,orders.invoice_no,orders.consign_time"
)
#: trade statuses as TOP documents them (taobao.trade.fullinfo.get, Trade.status)
STATUSES = {
    "TRADE_NO_CREATE_PAY": "pending",  # no Alipay payment created
    "WAIT_BUYER_PAY": "pending",
    "PAY_PENDING": "pending",  # international card payment being confirmed
    "WAIT_PRE_AUTH_CONFIRM": "pending",  # 0-yuan pre-authorised contract
    "WAIT_SELLER_SEND_GOODS": "paid",  # paid, to be shipped
    "PAID_FORBID_CONSIGN": "paid",  # paid, shipping not allowed yet (group buying)
    "SELLER_CONSIGNED_PART": "shipped",  # part shipped
    "WAIT_BUYER_CONFIRM_GOODS": "shipped",  # shipped, buyer to confirm receipt
    "TRADE_BUYER_SIGNED": "received",  # buyer signed for it (cash on delivery)
    "TRADE_FINISHED": "received",  # buyer confirmed receipt: trade succeeded
    "TRADE_CLOSED": "refunded",  # closed after payment: refund succeeded
    "TRADE_CLOSED_BY_TAOBAO": "cancelled",  # closed before payment by the buyer or seller
}
#: how a buyer without a readable nick is named (the open uid is per app: short, stable, not personal)
SHORT_UID = 8
#: the name of a buyer whose nick is masked, before a short open uid: "Taobao buyer" in Chinese
BUYER_NAME = "\u6dd8\u5b9d\u4e70\u5bb6"
#: the language a new Taobao buyer is created in (when it is active): Taobao is a Chinese marketplace
BUYER_LANG = "zh_CN"


def sign(params, secret, method="md5"):
    """TOP signature: parameters sorted by name, concatenated as name+value; MD5 wraps the text in
    the secret, HMAC keys it with the secret; upper-case hex."""
    text = "".join(f"{key}{params[key]}" for key in sorted(params) if key != "sign" and params[key] not in (None, ""))
    if method == "hmac":
        return hmac.new(secret.encode(), text.encode(), hashlib.md5).hexdigest().upper()
    return hashlib.md5(f"{secret}{text}{secret}".encode()).hexdigest().upper()


def china_time(moment):
    """Naive UTC → TOP's 'YYYY-MM-DD HH:MM:SS' in China time."""
    return moment.replace(tzinfo=timezone.utc).astimezone(CHINA).strftime(TIME_FORMAT)


def windows(since, until):
    """[since, until] cut into windows of at most one day (TOP refuses longer ones)."""
    start = since or until - MAX_WINDOW
    while start < until:
        end = min(start + MAX_WINDOW, until)
        yield start, end
        start = end


class TaobaoAdapter(Adapter):
    code = "taobao"

    def __init__(self, config, client, now=None):
        super().__init__(config, client)
        self.now = now or (lambda: datetime.now(timezone.utc))

    @property
    def gateway(self):
        return self.config.base_url or GATEWAY

    def call(self, method, **params):
        """The ``<method>_response`` object of one signed TOP call; retries TOP's call limits."""
        for attempt in range(1, self.client.retries + 2):
            query = {
                "method": method,
                "app_key": self.config.api_key,
                "session": self.config.access_token,
                "timestamp": self.now().astimezone(CHINA).strftime(TIME_FORMAT),
                "format": "json",
                "v": "2.0",
                "simplify": "false",
                "sign_method": self.config.options.get("sign_method", "md5"),
                **{k: v for k, v in params.items() if v is not None},
            }
            query["sign"] = sign(query, self.config.api_secret, query["sign_method"])
            body, _response = self.client.request_json("POST", self.gateway, data=query)
            if not isinstance(body, dict):
                raise AdapterError(_lt("Taobao answered something that is not a TOP response."))
            error = body.get("error_response")
            if not error:
                key = method.replace("taobao.", "").replace(".", "_") + "_response"
                return body.get(key) or {}
            code = str(error.get("sub_code") or error.get("code"))
            if (code in RETRY_CODES or str(error.get("code")) in RETRY_CODES) and attempt <= self.client.retries:
                self.client.sleep(self.client.wait_time(attempt))
                continue
            message = " / ".join(str(m) for m in (error.get("msg"), error.get("sub_msg")) if m)
            raise AdapterError(
                _lt(
                    "Taobao refused %(method)s: %(code)s %(message)s",
                    method=method,
                    code=self.client.redact(code),
                    message=self.client.redact(message),
                )
            )
        raise AdapterError(_lt("Taobao kept limiting %(method)s; try again later.", method=method))  # pragma: no cover

    def _increment_page(self, start, end, page_no):
        return self.call(
            "taobao.trades.sold.increment.get",
            fields=INCREMENT_FIELDS,
            start_modified=china_time(start),
            end_modified=china_time(end),
            page_no=page_no,
            page_size=min(self.config.page_size, 100),
            use_has_next="false",
        )

    @staticmethod
    def _trades(response):
        return ((response.get("trades") or {}).get("trade")) or []

    def fetch(self, since, until):
        """Pages of full trades, window by window, last page first. A body that stays unreadable is
        yielded as a BadPage and the walk goes on: the next page, or the next window when the count
        of the window was in that body."""
        page_size = min(self.config.page_size, 100)
        for start, end in windows(since, until):
            try:
                first = self._increment_page(start, end, 1)
            except UnreadableBody as error:
                yield self.bad_page(error, self._request(start, end, 1, whole_window=True), resumable=True)
                continue
            pages = math.ceil(int(first.get("total_results") or 0) / page_size)
            for page_no in range(pages, 0, -1):
                try:
                    response = first if page_no == 1 else self._increment_page(start, end, page_no)
                except UnreadableBody as error:
                    yield self.bad_page(error, self._request(start, end, page_no), resumable=True)
                    continue
                yield from self._full_trades(self._trades(response))

    def _full_trades(self, increments):
        """The page of full trades of ``increments``, then a BadPage per trade whose details did not parse."""
        trades, bad = [], []
        for tid in [trade["tid"] for trade in increments if isinstance(trade, dict) and trade.get("tid")]:
            try:
                trades.append(self.full_trade(tid))
            except UnreadableBody as error:
                request = {"url": self.gateway, "method": "taobao.trade.fullinfo.get", "tid": tid}
                bad.append(self.bad_page(error, request, resumable=True))
        if trades:
            yield trades
        yield from bad

    def _request(self, start, end, page_no, whole_window=False):
        return {
            "url": self.gateway,
            "method": "taobao.trades.sold.increment.get",
            "window": [start.isoformat(), end.isoformat()],
            "start_modified": china_time(start),
            "end_modified": china_time(end),
            "page_no": page_no,
            "whole_window": whole_window,
        }

    def refetch(self, request):
        """The trades of a stored bad page's request: one trade, one page, or a whole window."""
        if request.get("tid"):
            return [self.full_trade(request["tid"])]
        start, end = (datetime.fromisoformat(moment) for moment in request["window"])
        if request.get("whole_window"):
            trades = []
            for page in self.fetch(start, end):
                if not isinstance(page, list):  # a BadPage: still unreadable
                    raise UnreadableBody(page.error, page.status, page.raw)
                trades += page
            return trades
        increments = self._trades(self._increment_page(start, end, request["page_no"]))
        return [self.full_trade(trade["tid"]) for trade in increments if trade.get("tid")]

    def test_connection(self):
        end = self.now().astimezone(timezone.utc).replace(tzinfo=None)
        response = self.call(
            "taobao.trades.sold.increment.get",
            fields="tid",
            start_modified=china_time(end - timedelta(hours=1)),
            end_modified=china_time(end),
            page_no=1,
            page_size=1,
            use_has_next="false",
        )
        return _lt(
            "Connected to Taobao: %(count)s trades changed in the last hour.",
            count=int(response.get("total_results") or 0),
        )

    def full_trade(self, tid):
        trade = self.call("taobao.trade.fullinfo.get", fields=TRADE_FIELDS, tid=tid).get("trade")
        if not trade:
            raise AdapterError(_lt("Taobao returned no details for trade %(trade)s.", trade=str(tid)))
        return trade

    def updated_at(self, raw):
        return china_iso(raw.get("modified"))

    @staticmethod
    def _orders(raw):
        """The sub-orders: ``{"order": [...]}`` as TOP sends them with simplify=false, or a list."""
        orders = raw.get("orders")
        orders = orders.get("order") if isinstance(orders, dict) else orders
        if orders is None:
            return []
        if not isinstance(orders, list) or not all(isinstance(order, dict) for order in orders):
            raise PayloadError([_lt("orders must be a list of sub-orders (got %(got)s)", got=describe(orders))])
        return orders

    def _lines(self, raw, orders):
        """Lines at their price, the discount being what the buyer did not pay of it. The paid amount
        of a sub-order is its ``divide_order_fee`` (trade discounts shared out) or ``payment``; in a
        trade of one sub-order that payment includes the postage (as TOP documents), taken out here."""
        lines = []
        for item in orders:
            quantity = amount(item.get("num"), "orders num")
            gross = amount(item.get("price"), "orders price") * quantity
            if item.get("divide_order_fee") not in (None, ""):
                paid = amount(item.get("divide_order_fee"), "orders divide_order_fee")
            else:
                paid = amount(item.get("payment"), "orders payment")
                if len(orders) == 1:
                    paid -= amount(raw.get("post_fee"), "post_fee")
            unit = money(item.get("price"))
            if paid > gross and quantity:  # raised by the seller (adjust_fee): the paid price is the price
                unit, gross = str(paid / quantity), paid
            lines.append(
                {
                    "id": item.get("oid"),
                    "sku": item.get("outer_sku_id") or item.get("outer_iid"),
                    "name": item.get("title"),
                    "quantity": item.get("num"),
                    "unit_price": unit,
                    "discount": str(gross - paid),
                }
            )
        return lines

    @staticmethod
    def _fulfilments(orders):
        """One fulfilment per waybill (``invoice_no``) of the shipped sub-orders."""
        parcels = {}
        for item in orders:
            if not item.get("invoice_no"):
                continue
            parcel = parcels.setdefault(
                item["invoice_no"],
                {
                    "ref": item["invoice_no"],
                    "carrier": item.get("logistics_company"),
                    "tracking_ref": item["invoice_no"],
                    "shipped_at": china_iso(item.get("consign_time")),
                    "lines": {},
                },
            )
            parcel["lines"][str(item.get("oid"))] = item.get("num")
        return list(parcels.values())

    @staticmethod
    def _customer(raw):
        """The buyer, never from the masked receiver: the nick when readable, else "淘宝买家 <uid>" (a
        name in the buyer's and seller's language: Taobao is a Chinese marketplace);
        ``lang`` is a hint for a new customer (the pipeline uses it when that language is active)."""
        uid, nick = raw.get("buyer_open_uid") or "", raw.get("buyer_nick") or ""
        readable = bool(nick) and not is_masked(nick)
        email = raw.get("buyer_email")
        return {
            "id": uid or (nick if readable else None),
            "name": nick if readable else f"{BUYER_NAME} {str(uid)[-SHORT_UID:] or raw.get('tid')}",
            "email": email if email and not is_masked(email) else None,
            "masked": not readable,
            "lang": BUYER_LANG,
        }

    def _normalise(self, raw):
        orders = self._orders(raw)
        phone = raw.get("receiver_mobile") or raw.get("receiver_phone")
        address = {
            "name": raw.get("receiver_name"),
            "street": raw.get("receiver_address"),
            "street2": " ".join(p for p in (raw.get("receiver_district"), raw.get("receiver_town")) if p),
            "city": raw.get("receiver_city"),
            "zip": raw.get("receiver_zip"),
            "country_code": "CN",
            "phone": phone,
            "oaid": raw.get("oaid"),
        }
        address["masked"] = any(is_masked(address[key]) for key in ("name", "street", "phone"))
        return {
            "id": raw.get("tid"),
            "created_at": china_iso(raw.get("created")),
            "updated_at": self.updated_at(raw),
            "status": STATUSES.get(raw.get("status"), "pending"),
            "currency": "CNY",
            "prices_include_tax": True,  # Taobao prices are consumer prices, VAT included
            "customer": self._customer(raw),
            "shipping_address": address,
            "lines": self._lines(raw, orders),
            "shipping": money(raw.get("post_fee")),
            "total": money(raw.get("payment")),
            "fulfilments": self._fulfilments(orders),
            "note": raw.get("buyer_message"),
        }


def china_iso(moment):
    """TOP's 'YYYY-MM-DD HH:MM:SS' (China time) as ISO text with its offset, or None."""
    if not moment:
        return None
    try:
        return datetime.strptime(moment, TIME_FORMAT).replace(tzinfo=CHINA).isoformat()
    except (TypeError, ValueError):
        return moment  # the normaliser names the field
