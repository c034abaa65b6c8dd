from . import approval, order_import, segmentation
