import { registry } from "@web/core/registry";

/** Salesperson side: confirming an over-limit quotation holds it for approval. */
registry.category("web_tour.tours").add("sales_mgmt_approval_request_tour", {
    steps: () => [
        {
            content: "Confirm the quotation",
            trigger: ".o_statusbar_buttons button[name='action_confirm']:visible",
            run: "click",
        },
        {
            content: "The order is held, with the reason",
            trigger: ".alert-warning:contains(Waiting for approval)",
        },
        {
            content: "Open the approval tab",
            trigger: "a[name='sales_mgmt_approval']",
            run: "click",
        },
        {
            content: "The failed check is listed",
            trigger: ".o_field_widget[name='hold_reason_ids'] td:contains(exceeds the credit limit)",
        },
        {
            content: "No approve button for the salesperson",
            trigger: ".o_statusbar_buttons:not(:has(button[name='action_approve']))",
        },
    ],
});

/** Approver side: approving confirms the order. */
registry.category("web_tour.tours").add("sales_mgmt_approval_approve_tour", {
    steps: () => [
        {
            content: "Approve",
            trigger: ".o_statusbar_buttons button[name='action_approve']",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Sales Order)",
        },
    ],
});
