import { registry } from "@web/core/registry";

/*
 * Who is offered the decision on a held order (language-independent: names, not text).
 */

/** Phone (390x844), a Credit Approver not involved in the order: Approve is the first button. */
registry.category("web_tour.tours").add("sales_mgmt_phone_approve_tour", {
    steps: () => [
        {
            content: "Approve is reachable on the phone",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_approve']:visible",
            run: "click",
        },
        {
            content: "Approved and confirmed: no decision left to offer",
            trigger: ".o_form_view:not(:has(button[name='action_approve'])):not(:has(.o_sm_no_approver))",
        },
    ],
});

/** The only Credit Approver sold the order: the banner says nobody can approve, no Approve/Reject. */
registry.category("web_tour.tours").add("sales_mgmt_nobody_can_approve_tour", {
    steps: () => [
        {
            content: "The banner says nobody can approve",
            trigger: ".o_form_view .o_sm_no_approver:visible",
        },
        {
            content: "No Approve or Reject for an approver involved in the order",
            trigger:
                ".o_form_view:not(:has(button[name='action_approve'])):not(:has(button[name='action_open_reject_wizard']))",
        },
    ],
});
