from . import (
    test_basket_and_subscriptions,
    test_basket_population,
    test_customer_behaviour,
    test_install,
    test_kpi_currency,
    test_kpi_screen,
    test_readable_figures,
    test_report_returns,
    test_sales_analysis,
    test_salesperson_access,
    test_tool_properties,
    test_tour,
)
