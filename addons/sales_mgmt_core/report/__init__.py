from . import sales_count_variance_report
