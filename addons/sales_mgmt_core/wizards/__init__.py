from . import (
    base_partner_merge_automatic_wizard,
    crm_lead_card_wizard,
    sale_order_import_wizard,
    sale_order_reject_wizard,
    sale_order_return_wizard,
)
