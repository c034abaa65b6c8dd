from . import test_customer_tier, test_security, test_tour
