from . import (
    product_template,
    sales_analytics_export,
    sales_basket_pair,
    sales_competitor_price,
    sales_kpi,
    sales_report_subscription,
    sales_rfm_snapshot,
    sales_target,
)
