from . import product_template, sales_analytics_export, sales_basket_pair, sales_kpi, sales_report_subscription
