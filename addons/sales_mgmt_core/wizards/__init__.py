from . import sale_order_import_wizard, sale_order_reject_wizard
