from . import sales_channel
