from . import approval, inventory, order_import, segmentation
