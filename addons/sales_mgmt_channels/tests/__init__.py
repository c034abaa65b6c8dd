from . import test_channel_security, test_channel_tiers
