from . import test_channel_import, test_channel_security, test_channel_tiers, test_normalise_unit, test_webhook
