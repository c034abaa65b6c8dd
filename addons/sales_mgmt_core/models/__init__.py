from . import (
    customer_segmentation,
    customer_tier,
    mail_template,
    res_partner,
    sale_order,
    sales_complaint,
    sales_complaint_category,
)
