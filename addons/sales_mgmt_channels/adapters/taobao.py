"""Taobao / Tmall Open Platform (TOP): ``taobao.trades.sold.increment.get`` in windows of at
most one day, pages walked from the last backwards (as TOP documents, so that trades modified
while paging are not skipped), then ``taobao.trade.fullinfo.get`` per trade; requests signed."""

import hashlib
import hmac
import math
from datetime import datetime, timedelta, timezone

from .base import Adapter, AdapterError, money

GATEWAY = "https://eco.taobao.com/router/rest"
CHINA = timezone(timedelta(hours=8))
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
MAX_WINDOW = timedelta(days=1)
#: TOP error codes worth retrying: call limits and platform-side failures.
RETRY_CODES = {"7", "520", "isp.top-remote-connection-timeout", "isp.call-limited", "isp.remote-service-error"}
INCREMENT_FIELDS = "tid,status,modified"
TRADE_FIELDS = (
    "tid,status,modified,created,pay_time,payment,post_fee,total_fee,discount_fee,adjust_fee,buyer_nick,"
    "buyer_open_uid,buyer_email,buyer_message,receiver_name,receiver_state,receiver_city,receiver_district,"
    "receiver_address,receiver_zip,receiver_mobile,receiver_phone,"
    "orders.oid,orders.outer_sku_id,orders.outer_iid,orders.title,orders.num,orders.price,orders.payment,"
    "orders.total_fee,orders.discount_fee,orders.refund_status,orders.status"
)
STATUSES = {
    "WAIT_BUYER_PAY": "pending",
    "TRADE_NO_CREATE_PAY": "pending",
    "PAY_PENDING": "pending",
    "WAIT_SELLER_SEND_GOODS": "paid",
    "SELLER_CONSIGNED_PART": "paid",
    "WAIT_BUYER_CONFIRM_GOODS": "paid",
    "TRADE_BUYER_SIGNED": "paid",
    "TRADE_FINISHED": "paid",
    "TRADE_CLOSED": "refunded",
    "TRADE_CLOSED_BY_TAOBAO": "cancelled",
}


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
                raise AdapterError("Taobao answered something that is not a TOP response.")
            error = body.get("error_response")
            if not error:
                key = method.replace("taobao.", "").replace(".", "_") + "_response"
                return body.get(key) or {}
            code = str(error.get("sub_code") or error.get("code"))
            if (code in RETRY_CODES or str(error.get("code")) in RETRY_CODES) and attempt <= self.client.retries:
                self.client.sleep(self.client.wait_time(attempt))
                continue
            message = " / ".join(str(m) for m in (error.get("msg"), error.get("sub_msg")) if m)
            raise AdapterError(self.client.redact(f"Taobao refused {method}: {code} {message}"))
        raise AdapterError(f"Taobao kept limiting {method}; try again later.")  # pragma: no cover

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
        page_size = min(self.config.page_size, 100)
        for start, end in windows(since, until):
            first = self._increment_page(start, end, 1)
            pages = math.ceil(int(first.get("total_results") or 0) / page_size)
            for page_no in range(pages, 0, -1):
                response = first if page_no == 1 else self._increment_page(start, end, page_no)
                tids = [trade["tid"] for trade in self._trades(response) if trade.get("tid")]
                trades = [self.full_trade(tid) for tid in tids]
                if trades:
                    yield trades

    def full_trade(self, tid):
        trade = self.call("taobao.trade.fullinfo.get", fields=TRADE_FIELDS, tid=tid).get("trade")
        if not trade:
            raise AdapterError(f"Taobao returned no details for trade {tid}.")
        return trade

    def updated_at(self, raw):
        modified = raw.get("modified")
        if not modified:
            return None
        return datetime.strptime(modified, TIME_FORMAT).replace(tzinfo=CHINA).isoformat()

    def normalise(self, raw):
        lines = []
        for item in (raw.get("orders") or {}).get("order") or []:
            price, quantity = float(item.get("price") or 0), int(item.get("num") or 0)
            paid = float(item.get("payment") or 0)
            lines.append(
                {
                    "id": item.get("oid"),
                    "sku": item.get("outer_sku_id") or item.get("outer_iid"),
                    "name": item.get("title"),
                    "quantity": quantity,
                    "unit_price": money(item.get("price")),
                    "discount": f"{max(price * quantity - paid, 0):.2f}",
                }
            )
        address = {
            "name": raw.get("receiver_name"),
            "street": raw.get("receiver_address"),
            "street2": raw.get("receiver_district"),
            "city": raw.get("receiver_city"),
            "zip": raw.get("receiver_zip"),
            "country_code": "CN",
            "phone": raw.get("receiver_mobile") or raw.get("receiver_phone"),
        }
        return {
            "id": raw.get("tid"),
            "updated_at": self.updated_at(raw),
            "status": STATUSES.get(raw.get("status"), "pending"),
            "currency": "CNY",
            "customer": {
                "id": raw.get("buyer_open_uid") or raw.get("buyer_nick"),
                "name": raw.get("receiver_name") or raw.get("buyer_nick"),
                "email": raw.get("buyer_email"),
                "phone": raw.get("receiver_mobile"),
                "address": address,
            },
            "shipping_address": address,
            "lines": lines,
            "shipping": money(raw.get("post_fee")),
            "total": money(raw.get("payment")),
            "note": raw.get("buyer_message"),
        }
