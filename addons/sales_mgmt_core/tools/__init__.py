from . import approval, segmentation
