from . import segmentation
