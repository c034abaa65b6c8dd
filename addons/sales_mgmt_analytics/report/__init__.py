from . import sales_analysis_report, sales_cohort_report
