from . import basket, kpi, trend, xlsx_export
