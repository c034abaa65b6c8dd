import { registry } from "@web/core/registry";

/** A sales manager opens the sales analysis pivot, then the Sales Management dashboard. */
registry.category("web_tour.tours").add("sales_mgmt_analytics_tour", {
    steps: () => [
        {
            content: "The analysis pivot shows a channel of the test data",
            trigger: ".o_pivot th:contains(Tour channel)",
        },
        {
            content: "Switch to the graph view",
            trigger: "button.o_graph",
            run: "click",
        },
        {
            content: "The graph renders",
            trigger: ".o_graph_renderer canvas",
        },
        {
            content: "Open the dashboards",
            trigger: "body",
            run: "goToUrl /odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action",
            expectUnloadPage: true,
        },
        {
            content: "Pick the Sales Management dashboard",
            trigger: ".o_search_panel_category_value[data-name='Sales Management']",
            run: "click",
        },
        {
            content: "Its charts are drawn",
            trigger: ".o_search_panel_category_value.active[data-name='Sales Management']",
        },
        {
            content: "The spreadsheet with its figures is displayed",
            trigger: ".o-spreadsheet .o-figure",
        },
    ],
});
