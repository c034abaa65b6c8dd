from .base import Adapter, AdapterError, ChannelConfig, Fulfilment, NormalisedAdapter
from .shopify import ShopifyAdapter
from .taobao import TaobaoAdapter
from .woocommerce import WooCommerceAdapter

ADAPTERS = {adapter.code: adapter for adapter in (NormalisedAdapter, ShopifyAdapter, WooCommerceAdapter, TaobaoAdapter)}

#: keys of a raw order of each format: the reference sellers know (Shopify "#1002"), the channel's id
NAME_KEYS = {"shopify": "name", "woocommerce": "number", "taobao": "tid"}
REF_KEYS = {"shopify": "legacyResourceId", "taobao": "tid"}


def get_adapter(channel_type):
    """The adapter class of a channel type (website, file and generic JSON share the normalised one)."""
    return ADAPTERS.get(channel_type, NormalisedAdapter)


__all__ = [
    "ADAPTERS",
    "NAME_KEYS",
    "REF_KEYS",
    "Adapter",
    "AdapterError",
    "ChannelConfig",
    "Fulfilment",
    "NormalisedAdapter",
    "ShopifyAdapter",
    "TaobaoAdapter",
    "WooCommerceAdapter",
    "get_adapter",
]
