import { registry } from "@web/core/registry";

/** A channel administrator finds a failed import, reads why, and retries it after the SKU was mapped. */
registry.category("web_tour.tours").add("sales_mgmt_channels_tour", {
    steps: () => [
        {
            content: "The failed import is listed",
            trigger: ".o_data_row td:contains(TOUR-1)",
            run: "click",
        },
        {
            content: "Its error says what to do",
            trigger: ".o_form_view .text-danger:contains(Unknown SKU TOUR-SKU)",
        },
        {
            content: "Retry it",
            trigger: ".o_form_view button[name=action_retry]",
            run: "click",
        },
        {
            content: "It is imported now",
            trigger: ".o_statusbar_status button[aria-checked=true]:contains(Imported)",
        },
        {
            content: "And linked to its sales order",
            trigger: ".o_form_view .o_field_widget[name=order_id] a, .o_form_view .o_field_widget[name=order_id]:contains(S0)",
        },
    ],
});
