from . import approval, assignment, business_card, followup, inventory, order_import, performance, segmentation
