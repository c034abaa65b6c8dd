import { registry } from "@web/core/registry";
import { user } from "@web/core/user";

/*
 * Tours that must not depend on the interface language: elements are found by their
 * field and button names, never by English text (they run in zh_CN).
 */

/** Salesperson (zh_CN): confirming an over-limit quotation holds it, one row per failed check. */
registry.category("web_tour.tours").add("sales_mgmt_approval_request_zh_tour", {
    steps: () => [
        {
            content: "The interface is in Chinese",
            trigger: ".o_form_view",
            run() {
                if (user.lang !== "zh-CN") {
                    throw new Error(`Expected the zh_CN interface, got ${user.lang}`);
                }
            },
        },
        {
            content: "Confirm the quotation",
            trigger: ".o_statusbar_buttons button[name='action_confirm']:visible",
            run: "click",
        },
        {
            content: "The order is held: the approval banner is shown",
            trigger: ".o_form_view .alert-warning[role='alert']:visible",
        },
        {
            content: "Open the approval tab",
            trigger: "a[name='sales_mgmt_approval']",
            run: "click",
        },
        {
            content: "The credit row shows the limit and the exposure",
            trigger: ".o_field_widget[name='hold_reason_ids'] .o_data_row td[name='credit_limit']:not(:empty)",
        },
        {
            content: "... and no overdue figure",
            trigger: ".o_field_widget[name='hold_reason_ids'] .o_data_row td[name='overdue_amount']:not(:has(*))",
        },
        {
            content: "No approve button for the salesperson",
            trigger: ".o_statusbar_buttons:not(:has(button[name='action_approve']))",
        },
    ],
});

/** Approver (zh_CN): approving confirms the order. */
registry.category("web_tour.tours").add("sales_mgmt_approval_approve_zh_tour", {
    steps: () => [
        {
            content: "Approve",
            trigger: ".o_statusbar_buttons button[name='action_approve']",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value='sale']",
        },
    ],
});

/** Phone (390x844): the approval tab of a held order is reachable and its reasons read as cards. */
registry.category("web_tour.tours").add("sales_mgmt_mobile_approval_tour", {
    steps: () => [
        {
            content: "The approval tab is visible on the phone",
            trigger: "a[name='sales_mgmt_approval']:visible",
            run: "click",
        },
        {
            content: "The reason is a card",
            trigger: ".o_field_widget[name='hold_reason_ids'] .o_kanban_record:visible",
        },
        {
            content: "The card tells the check",
            trigger: ".o_field_widget[name='hold_reason_ids'] .o_kanban_record [name='check']:visible",
        },
    ],
});

/** Phone: stock alerts open as cards with a Replenish button. */
registry.category("web_tour.tours").add("sales_mgmt_mobile_alerts_tour", {
    steps: () => [
        {
            content: "Alerts are cards on a phone",
            trigger: ".o_kanban_view .o_kanban_record:not(.o_kanban_ghost):visible",
        },
        {
            content: "Replenish from the card",
            trigger: ".o_kanban_record button[name='action_replenish']:visible",
            run: "click",
        },
        {
            content: "Odoo's replenishment opens on the product",
            trigger: ".o_breadcrumb .active:visible",
        },
        {
            content: "with its reordering rule",
            trigger: ".o_kanban_view .o_kanban_record:not(.o_kanban_ghost), .o_list_view .o_data_row",
        },
    ],
});
