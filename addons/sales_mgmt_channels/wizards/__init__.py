from . import sales_channel_file_import_wizard
