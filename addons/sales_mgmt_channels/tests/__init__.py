from . import (
    test_adapters_unit,
    test_channel_approval,
    test_channel_import,
    test_channel_pull,
    test_channel_security,
    test_channel_tiers,
    test_normalise_unit,
    test_tour,
    test_webhook,
)
