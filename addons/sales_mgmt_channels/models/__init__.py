from . import customer_segmentation, customer_tier, sale_order, sales_channel
