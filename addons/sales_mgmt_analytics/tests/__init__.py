from . import test_basket_and_subscriptions, test_install, test_sales_analysis, test_tour
