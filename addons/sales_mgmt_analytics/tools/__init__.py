from . import basket, kpi, xlsx_export
