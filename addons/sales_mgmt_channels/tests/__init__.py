from . import test_channel_security
