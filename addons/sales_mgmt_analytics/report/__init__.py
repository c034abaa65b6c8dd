from . import sales_analysis_report
