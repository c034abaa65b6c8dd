import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

/**
 * A salesperson opens the Sales app, then a customer's form and its
 * "Customer Insights" tab. Data comes from the Python test.
 */
registry.category("web_tour.tours").add("sales_mgmt_smoke_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Sales app",
            trigger: '.o_app[data-menu-xmlid="sale.sale_menu_root"]',
            run: "click",
        },
        {
            content: "The quotations view is shown",
            trigger: ".o_breadcrumb:contains(Quotations)",
        },
        {
            content: "Open the Orders menu",
            trigger: '.o_main_navbar button[data-menu-xmlid="sale.sale_order_menu"]',
            run: "click",
        },
        {
            content: "Go to Customers",
            trigger: '.dropdown-item[data-menu-xmlid="sale.res_partner_menu"]',
            run: "click",
        },
        {
            content: "Open the customer",
            trigger: ".o_kanban_record:contains(Tour Customer), .o_data_row:contains(Tour Customer) td.o_data_cell",
            run: "click",
        },
        {
            content: "Open the insights tab",
            trigger: 'a[name="sales_mgmt_insights"]',
            run: "click",
        },
        {
            content: "The tier is shown in the customer's scores",
            trigger: '.o_field_widget[name="sm_score_ids"] td:contains(Tour Tier)',
        },
    ],
});
