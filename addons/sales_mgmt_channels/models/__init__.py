from . import (
    customer_segmentation,
    customer_tier,
    res_partner,
    sale_order,
    sale_order_credit_check,
    sale_order_line,
    sales_channel,
    sales_channel_file_column,
    sales_channel_identity,
    sales_channel_import,
    sales_channel_product_map,
    stock_picking,
)
