from . import sales_basket_wizard, sales_kpi_wizard, sales_trend_wizard
