from . import test_basket_and_subscriptions, test_customer_behaviour, test_install, test_sales_analysis, test_tour
