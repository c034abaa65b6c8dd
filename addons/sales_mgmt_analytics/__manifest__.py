{
    "name": "Sales Management Analytics",
    "summary": "Sales analysis by any dimension, KPIs, dashboards, basket analysis, "
    "trends, XLSX export and scheduled report e-mails",
    "version": "19.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Sales Management Team",
    "website": "https://example.com/sales-mgmt",
    "depends": ["sales_mgmt_core", "sales_mgmt_channels", "spreadsheet_dashboard"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/ir.model.access.csv",
        "security/sales_mgmt_analytics_security.xml",
        "data/sales_mgmt_analytics_data.xml",
        "data/spreadsheet_dashboard_data.xml",
        "views/sales_analysis_report_views.xml",
        "views/sales_kpi_wizard_views.xml",
        "views/sales_report_subscription_views.xml",
        "views/sales_customer_behaviour_views.xml",
        "views/sales_mgmt_analytics_menus.xml",
    ],
    "demo": ["demo/sales_scheduled_report_demo.xml"],
    "assets": {
        "web.assets_tests": ["sales_mgmt_analytics/static/tests/tours/*.js"],
    },
}
