{
    "name": "Sales Management Channels",
    "summary": "Import orders from the website, marketplaces and shops once each, "
    "one customer per real person, status pushed back",
    "version": "19.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Sales Management Team",
    "website": "https://example.com/sales-mgmt",
    "depends": ["sales_mgmt_core", "stock_delivery", "queue_job"],
    "external_dependencies": {"python": ["requests", "phonenumbers"]},
    "data": [
        "security/sales_mgmt_channels_security.xml",
        "security/ir.model.access.csv",
        "views/sales_channel_views.xml",
        "views/sale_order_views.xml",
        "views/stock_picking_views.xml",
        "views/res_partner_views.xml",
        "wizards/sales_channel_file_import_wizard_views.xml",
        "data/sales_channel_data.xml",
    ],
    "demo": ["demo/sales_channel_demo.xml"],
    "assets": {
        "web.assets_tests": ["sales_mgmt_channels/static/tests/tours/*.js"],
    },
}
