{
    "name": "Sales Management Core",
    "summary": "Customer tiers and segments, approvals, stock alerts and sales automation "
    "on top of Sales, Inventory and CRM",
    "version": "19.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Sales Management Team",
    "website": "https://example.com/sales-mgmt",
    "depends": ["sale_management", "sale_stock", "crm", "account", "mail"],
    "external_dependencies": {"python": ["python-dateutil"]},
    "data": [
        "security/sales_mgmt_security.xml",
        "security/ir.model.access.csv",
        "data/customer_tier_data.xml",
        "data/res_partner_category_data.xml",
        "data/mail_template_data.xml",
        "data/sales_mgmt_data.xml",
        "views/customer_tier_views.xml",
        "views/sales_complaint_views.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "views/sales_mgmt_menus.xml",
    ],
    "demo": ["demo/res_partner_demo.xml"],
    "assets": {
        "web.assets_tests": ["sales_mgmt_core/static/tests/tours/*.js"],
    },
}
