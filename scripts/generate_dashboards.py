"""Writes the two dashboard spreadsheets (run by hand after editing; the JSON files are committed).

python scripts/generate_dashboards.py
"""

import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent.parent / "addons" / "sales_mgmt_analytics" / "data" / "files"
MODEL = "sales.analysis.report"


def chart(chart_id, kind, group_by, measure, title, row, domain=None):
    search = {"comparison": None, "context": {"group_by": []}, "domain": domain or [], "groupBy": group_by}
    search["orderBy"] = []
    return {
        "id": chart_id,
        "width": 480,
        "height": 300,
        "tag": "chart",
        "col": 0 if chart_id.endswith("l") else 6,
        "row": row,
        "offset": {"x": 0, "y": 0},
        "data": {
            "title": {"text": title},
            "background": "#FFFFFF",
            "legendPosition": "top" if kind == "pie" else "none",
            "metaData": {"groupBy": group_by, "measure": measure, "order": None, "resModel": MODEL, "mode": kind},
            "searchParams": search,
            "type": f"odoo_{kind}",
            "dataSets": [{}],
            "verticalAxisPosition": "left",
            "stacked": False,
            "cumulative": False,
            "chartId": chart_id,
            "fieldMatching": {},
        },
    }


def pivot(pivot_id, name, rows, measures, model=MODEL, columns=None):
    return {
        "type": "ODOO",
        "id": pivot_id,
        "formulaId": pivot_id,
        "name": name,
        "model": model,
        "domain": [],
        "context": {},
        "measures": [
            {"id": f"{m}:sum", "fieldName": m, "aggregator": "sum", "userDefinedName": label} for m, label in measures
        ],
        "rows": rows,
        "columns": columns or [],
        "sortedColumn": None,
        "fieldMatching": {},
    }


def spreadsheet(title, figures, pivots):
    cells = {"A1": title}
    row = 34
    for pivot_id, definition in pivots.items():
        cells[f"A{row}"] = definition["name"]
        cells[f"A{row + 1}"] = f"=PIVOT({pivot_id}, 15, FALSE, FALSE)"
        row += 20
    return {
        "version": "18.5.10",
        "revisionId": "START_REVISION",
        "uniqueFigureIds": True,
        "sheets": [
            {
                "id": "dashboard",
                "name": "Dashboard",
                "colNumber": 12,
                "rowNumber": row + 5,
                "cells": cells,
                "figures": figures,
                "areGridLinesVisible": False,
                "isVisible": True,
            }
        ],
        "styles": {},
        "formats": {},
        "borders": {},
        "settings": {},
        "pivots": pivots,
        "pivotNextId": len(pivots) + 1,
        "globalFilters": [],
        "lists": {},
        "listNextId": 1,
        "chartOdooMenusReferences": {},
    }


def main():
    revenue = [("price_subtotal", "Revenue"), ("margin", "Margin"), ("net_revenue", "Net revenue")]
    manager = spreadsheet(
        "Sales management",
        [
            chart("revenue_month_l", "line", ["date:month"], "price_subtotal", "Revenue by month", 2),
            chart("revenue_channel_r", "pie", ["channel_id"], "price_subtotal", "Revenue by channel", 2),
            chart("revenue_user_l", "bar", ["user_id"], "price_subtotal", "Revenue by salesperson", 18),
            chart("margin_category_r", "bar", ["categ_id"], "margin", "Margin by category", 18),
        ],
        {
            "1": pivot("1", "By channel", [{"fieldName": "channel_id"}], revenue),
            "2": pivot("2", "By salesperson", [{"fieldName": "user_id"}], revenue),
            "3": pivot(
                "3",
                "Targets",
                [{"fieldName": "user_id"}],
                [("actual_revenue", "Revenue"), ("target_revenue", "Target")],
                model="sales.target",
            ),
        },
    )
    personal = spreadsheet(
        "My sales",
        [
            chart("my_revenue_month_l", "line", ["date:month"], "price_subtotal", "My revenue by month", 2),
            chart("my_revenue_channel_r", "pie", ["channel_id"], "price_subtotal", "My revenue by channel", 2),
        ],
        {
            "1": pivot("1", "My customers", [{"fieldName": "partner_id"}], revenue),
            "2": pivot(
                "2",
                "My targets",
                [{"fieldName": "date_from", "granularity": "month"}],
                [("actual_revenue", "Revenue"), ("target_revenue", "Target")],
                model="sales.target",
            ),
        },
    )
    for name, data in (
        ("sales_mgmt_manager_dashboard.json", manager),
        ("sales_mgmt_personal_dashboard.json", personal),
    ):
        (HERE / name).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
