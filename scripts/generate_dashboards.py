"""Writes the two dashboard spreadsheets (run by hand after editing; the JSON files are committed).

python scripts/generate_dashboards.py

Laid out like Odoo's own Sales dashboard: a period filter (and a few relation filters), KPI cards
comparing the period with the previous one, charts, then pivots. Every text a user reads is
translatable: chart titles, filter labels and ``=_t("...")`` cells (Odoo's term extractor).
The personal dashboard restricts every figure to the current user's orders and targets with
``sm_is_mine`` (a search on ``user_id = uid``, so a manager sees their own figures too).
"""

import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent.parent / "addons" / "sales_mgmt_analytics" / "data" / "files"
MODEL = "sales.analysis.report"
TARGET = "sales.target"
WIDTH = 1096
MINE = [["sm_is_mine", "=", True]]

# Global filters: (id, label, model or None for the period) and the field each model filters on.
PERIOD = "sm_period"
FILTERS = {
    PERIOD: ("Period", None),
    "sm_user": ("Salesperson", "res.users"),
    "sm_team": ("Sales Team", "crm.team"),
    "sm_channel": ("Channel", "sales.channel"),
    "sm_categ": ("Product Category", "product.category"),
    "sm_partner": ("Customer", "res.partner"),
}
CHAINS = {
    MODEL: {
        PERIOD: ("date", "datetime"),
        "sm_user": ("user_id", "many2one"),
        "sm_team": ("team_id", "many2one"),
        "sm_channel": ("channel_id", "many2one"),
        "sm_categ": ("categ_id", "many2one"),
        "sm_partner": ("partner_id", "many2one"),
    },
    TARGET: {
        PERIOD: ("date_from", "date"),
        "sm_user": ("user_id", "many2one"),
        "sm_team": ("team_id", "many2one"),
    },
}


def global_filters(ids):
    result = []
    for filter_id in ids:
        label, model = FILTERS[filter_id]
        if model is None:
            result.append({"id": filter_id, "type": "date", "label": label, "defaultValue": "this_month"})
        else:
            result.append(
                {
                    "id": filter_id,
                    "type": "relation",
                    "label": label,
                    "modelName": model,
                    "defaultValueDisplayNames": [],
                }
            )
    return result


def field_matching(model, filter_ids, offset=0):
    matching = {}
    for filter_id in filter_ids:
        if filter_id in CHAINS[model]:
            chain, kind = CHAINS[model][filter_id]
            matching[filter_id] = {"chain": chain, "type": kind}
            if filter_id == PERIOD:
                matching[filter_id]["offset"] = offset
    return matching


def chart(chart_id, kind, group_by, measure, title, x, y, filters, domain=None, width=540, height=330):
    search = {"comparison": None, "context": {"group_by": []}, "domain": domain or [], "groupBy": group_by}
    search["orderBy"] = []
    return {
        "id": chart_id,
        "width": width,
        "height": height,
        "tag": "chart",
        "col": 0,
        "row": 0,
        "offset": {"x": x, "y": y},
        "data": {
            "title": {"text": title, "bold": True, "color": "#434343"},
            "background": "#FFFFFF",
            # Every slice of a pie is named in its legend ("Direct", "No category": see the report).
            "legendPosition": "top" if kind == "pie" else "none",
            "metaData": {"groupBy": group_by, "measure": measure, "order": None, "resModel": MODEL, "mode": kind},
            "searchParams": search,
            "type": f"odoo_{kind}",
            "dataSets": [{}],
            "verticalAxisPosition": "left",
            "stacked": False,
            "cumulative": False,
            "fillArea": kind == "line",
            "chartId": chart_id,
            "fieldMatching": field_matching(MODEL, filters),
        },
    }


def scorecard(chart_id, title, row, x, y, width, mode="percentage", key_size=None):
    """A KPI card reading Data!D{row}, compared with Data!E{row}: the previous period
    (``percentage``), a target (``progress``: a bar) or a text (``text``). ``key_size``: the
    value's font size (Odoo's 32 px by default), smaller for a text to fit half a phone."""
    card = {
        "id": chart_id,
        "width": width,
        "height": 101,
        "tag": "chart",
        "col": 0,
        "row": 0,
        "offset": {"x": x, "y": y},
        "data": {
            "title": {"text": title, "color": "#434343", "bold": True},
            "type": "scorecard",
            "background": "#EFF6FF",
            "baselineColorDown": "#DC6965",
            "baselineColorUp": "#00A04A",
            "baselineMode": mode,
            "baseline": f"Data!E{row}",
            "baselineDescr": {"text": "since last period"},
            "keyValue": f"Data!D{row}",
            "humanize": False,
            "chartId": chart_id,
        },
    }
    if mode != "percentage":
        del card["data"]["baselineDescr"]
    if key_size:
        card["data"]["keyDescr"] = {"fontSize": key_size}
    return card


def pivot(pivot_id, name, rows, measures, filters, model=MODEL, domain=None, offset=0, sort=None):
    return {
        "type": "ODOO",
        "id": pivot_id,
        "formulaId": pivot_id,
        "name": name,
        "model": model,
        "domain": domain or [],
        "context": {},
        # No user-defined names: the measures are titled with their (translated) field labels.
        "measures": [{"id": m, "fieldName": m, "aggregator": aggregator} for m, aggregator in measures],
        "rows": rows,
        "columns": [],
        "sortedColumn": {"measure": sort, "order": "desc", "domain": []} if sort else None,
        "fieldMatching": field_matching(model, filters, offset),
    }


def stats_cells(current, previous, extra=None):
    """The Data sheet of the KPI cards: current and previous period, then the displayed values.

    Without sales the pivots give no value: the figures read 0 in their format (the revenue's
    currency). ``extra``: {cell: formula} of more cards (column D the card's value, E its baseline).
    """
    cells = {"A1": '=_t("KPI")', "B1": '=_t("Current")', "C1": '=_t("Previous")', "D1": '=_t("Current")'}
    cells["E1"] = '=_t("Previous")'
    kpis = [
        ("Revenue", 'PIVOT.VALUE({p},"price_subtotal")'),
        ("Orders", 'PIVOT.VALUE({p},"order_count")'),
        ("Average order", None),
        ("Margin", 'PIVOT.VALUE({p},"margin")'),
    ]
    for index, (label, formula) in enumerate(kpis, start=2):
        cells[f"A{index}"] = f'=_t("{label}")'
        for col, pivot_id in (("B", current), ("C", previous)):
            # The average keeps the revenue's currency format, also without orders (then 0).
            average = f"=IF({col}3, {col}2/{col}3, {col}2*0)"
            cells[f"{col}{index}"] = "=" + formula.format(p=pivot_id) if formula else average
        cells[f"D{index}"] = f"=FORMAT.LARGE.NUMBER(B{index})"
        # No comparison (rather than "up ∞%") when the previous period had none: an empty baseline.
        cells[f"E{index}"] = f'=IF(C{index}, FORMAT.LARGE.NUMBER(C{index}), "")'
    cells.update(extra or {})
    return cells


def header_cells(row, pivot_id, label, measures):
    """The header row of a pivot block: the row dimension's label (``_t``) and each measure's
    title as Odoo gives it (the field's label in the user's language)."""
    cells = {f"A{row}": f'=_t("{label}")'}
    for col, (measure, _aggregator) in zip("BCDEFG", measures, strict=False):
        cells[f"{col}{row}"] = f'=PIVOT.HEADER({pivot_id}, "measure", "{measure}")'
    return cells


def spreadsheet(filter_ids, figures, pivots, tables, stats, notice=None, extra_stats=None):
    """``tables``: [(title, pivot id, rows, row label)] written as =PIVOT() blocks below the figures.

    The PIVOT() blocks leave out their own header rows, whose corner cell shows the pivot's name
    (a name is not translatable): a ``_t`` title and a header row of translated labels stand above
    them, as in Odoo's own dashboards. ``notice``: (condition, text) shown above the figures when
    the condition holds (an empty state: "no sales yet").
    """
    cells = {}
    top = 0
    if notice:
        condition, text = notice
        cells["A1"] = f'=IF({condition}, _t("{text}"), "")'
        top = 46
        for figure in figures:
            figure["offset"]["y"] += top
    # Below the figures: rows are 23 px high by default.
    first = row = max(f["offset"]["y"] + f["height"] for f in figures) // 23 + 3
    headers = []
    for title, pivot_id, count, label in tables:
        measures = [(m["fieldName"], m["aggregator"]) for m in pivots[pivot_id]["measures"]]
        cells[f"A{row}"] = f'=_t("{title}")'
        cells.update(header_cells(row + 1, pivot_id, label, measures))
        headers.append(row + 1)
        cells[f"A{row + 2}"] = f"=PIVOT({pivot_id}, {count}, TRUE, FALSE, {len(measures)}, FALSE)"
        row += count + 5
    return {
        "version": "18.5.10",
        "revisionId": "START_REVISION",
        "uniqueFigureIds": True,
        "sheets": [
            {
                "id": "dashboard",
                "name": "Dashboard",
                "colNumber": 8,
                "rowNumber": row + 5,
                "cols": {"0": {"size": 300}, "1": {"size": 160}, "2": {"size": 160}, "3": {"size": 160}},
                "cells": cells,
                "styles": {
                    **{f"A{r}": 1 for r in range(first, row) if "_t(" in cells.get(f"A{r}", "") and r not in headers},
                    **{f"{c}{r}": 2 for r in headers for c in "ABCDEFG" if f"{c}{r}" in cells},
                    **({"A1": 3} if notice else {}),
                },
                "figures": figures,
                "areGridLinesVisible": False,
                "isVisible": True,
            },
            {
                "id": "data",
                "name": "Data",
                "colNumber": 6,
                "rowNumber": 10,
                "cells": stats_cells(*stats, extra=extra_stats),
                "figures": [],
                "areGridLinesVisible": True,
                "isVisible": True,
            },
        ],
        "styles": {
            "1": {"textColor": "#01666b", "bold": True, "fontSize": 14},
            "2": {"bold": True, "fillColor": "#F2F2F2"},
            "3": {"textColor": "#434343", "fontSize": 12, "italic": True},
        },
        "formats": {},
        "borders": {},
        "settings": {},
        "pivots": pivots,
        "pivotNextId": max(int(k) for k in pivots) + 1,
        "globalFilters": global_filters(filter_ids),
        "lists": {},
        "listNextId": 1,
        "chartOdooMenusReferences": {},
    }


def cards(prefix):
    width = (WIDTH - 3 * 16) // 4
    titles = ("Revenue", "Orders", "Average Order", "Margin")
    return [
        scorecard(f"{prefix}_card_{i}", title, i + 2, i * (width + 16), 11, width) for i, title in enumerate(titles)
    ]


def charts(specs, filters, domain=None):
    """Chart figures from (id, type, group by, measure, title, x, y, width, height) tuples."""
    return [
        chart(cid, kind, group_by, measure, title, x, y, filters, domain=domain, width=width, height=height)
        for cid, kind, group_by, measure, title, x, y, width, height in specs
    ]


def stats_pivots(filters, domain=None):
    measures = [("price_subtotal", "sum"), ("order_count", "count_distinct"), ("margin", "sum")]
    return {
        "90": pivot("90", "KPIs - current period", [], measures, filters, domain=domain),
        "91": pivot("91", "KPIs - previous period", [], measures, filters, domain=domain, offset=-1),
    }


def main():
    money = [("price_subtotal", "sum"), ("order_count", "count_distinct"), ("margin", "sum"), ("net_revenue", "sum")]
    targets = [("target_revenue", "sum"), ("actual_revenue", "sum")]
    manager_filters = [PERIOD, "sm_user", "sm_team", "sm_channel", "sm_categ", "sm_partner"]
    half = (WIDTH - 16) // 2
    # (id, type, group by, measure, title, x, y, width, height)
    manager_charts = [
        ("revenue_month", "line", ["date:day"], "price_subtotal", "Revenue by day", 0, 130, WIDTH, 300),
        ("revenue_channel", "pie", ["channel_name"], "price_subtotal", "Revenue by channel", 0, 450, half, 330),
        ("revenue_user", "bar", ["user_id"], "price_subtotal", "Revenue by salesperson", half + 16, 450, half, 330),
        ("margin_category", "bar", ["categ_name"], "margin", "Margin by category", 0, 800, half, 330),
        ("revenue_team", "pie", ["team_id"], "price_subtotal", "Revenue by sales team", half + 16, 800, half, 330),
    ]
    manager = spreadsheet(
        manager_filters,
        [*cards("mgr"), *charts(manager_charts, manager_filters)],
        {
            "1": pivot(
                "1", "By channel", [{"fieldName": "channel_name"}], money, manager_filters, sort="price_subtotal"
            ),
            "2": pivot(
                "2", "By salesperson", [{"fieldName": "user_id"}], money, manager_filters, sort="price_subtotal"
            ),
            "3": pivot(
                "3",
                "Targets",
                [{"fieldName": "user_id"}],
                targets,
                manager_filters,
                model=TARGET,
                domain=[["scope", "=", "user"]],
                sort="target_revenue",
            ),
            **stats_pivots(manager_filters),
        },
        [
            ("Revenue by channel", "1", 10, "Channel"),
            ("Revenue by salesperson", "2", 15, "Salesperson"),
            ("Targets of the period", "3", 15, "Salesperson"),
        ],
        ("90", "91"),
    )
    personal_filters = [PERIOD, "sm_channel", "sm_categ", "sm_partner"]
    # A phone shows only the figures, cards two by two: below the four KPI cards, the target
    # (a progress bar) and the top customer, which says "No sales yet" when there is none.
    second = 11 + 101 + 16
    personal_cards = [
        *cards("my"),
        scorecard("my_card_target", "My target", 6, 0, second, half, mode="progress"),
        scorecard("my_card_customer", "Top customer", 7, half + 16, second, half, mode="text", key_size=20),
    ]
    down = 101 + 16
    personal_charts = [
        ("my_revenue_month", "line", ["date:day"], "price_subtotal", "My revenue by day", 0, 130 + down, WIDTH, 300),
        (
            "my_revenue_channel",
            "pie",
            ["channel_name"],
            "price_subtotal",
            "My revenue by channel",
            0,
            450 + down,
            half,
            330,
        ),
        (
            "my_revenue_category",
            "pie",
            ["categ_name"],
            "price_subtotal",
            "My revenue by category",
            half + 16,
            450 + down,
            half,
            330,
        ),
    ]
    personal_stats = {
        # The period's target (0 without one): the card shows the revenue against it, or says so.
        "A6": '=_t("My target")',
        "B6": '=IF(ISNUMBER(PIVOT.VALUE(2,"target_revenue")), PIVOT.VALUE(2,"target_revenue"), 0)',
        "D6": '=IF(B6>0, D2, _t("No target"))',
        "E6": '=IF(B6>0, FORMAT.LARGE.NUMBER(B6), "")',
        # The customer who bought the most in the period (the "My customers" table's first row).
        "A7": '=_t("Top customer")',
        "B7": '=IF(B3, PIVOT.HEADER(1, "#partner_id", 1), "")',
        "D7": '=IF(B3, B7, _t("No sales yet"))',
        "E7": '=IF(B3, FORMAT.LARGE.NUMBER(PIVOT.VALUE(1, "price_subtotal", "#partner_id", 1)), "")',
    }
    personal = spreadsheet(
        personal_filters,
        [*personal_cards, *charts(personal_charts, personal_filters, domain=MINE)],
        {
            "1": pivot(
                "1",
                "My customers",
                [{"fieldName": "partner_id"}],
                money,
                personal_filters,
                domain=MINE,
                sort="price_subtotal",
            ),
            "2": pivot(
                "2",
                "My targets",
                [{"fieldName": "date_from", "granularity": "month"}],
                targets,
                personal_filters,
                model=TARGET,
                domain=[["sm_is_mine", "=", True]],
            ),
            **stats_pivots(personal_filters, domain=MINE),
        },
        [("My customers", "1", 15, "Customer"), ("My targets", "2", 6, "Month")],
        ("90", "91"),
        notice=(
            "Data!B3=0",
            "You have no confirmed sales in this period yet: your figures appear here with your first order.",
        ),
        extra_stats=personal_stats,
    )
    for name, data in (
        ("sales_mgmt_manager_dashboard.json", manager),
        ("sales_mgmt_personal_dashboard.json", personal),
    ):
        (HERE / name).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
