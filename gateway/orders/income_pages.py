"""Income by term, for the CPD team: what places sold to other schools brought in each
term of this academic year beside the last (a bar chart with its table, and a CSV),
the figure the trust's strategy tracks.  The terms come from the academic calendar
(networks, gateway/home/hours.py's term_starts), the money from bookings (GET /income):
three calls whatever the number of orders."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, Response, g, render_template

from gateway.backends import BackendError, BackendUnavailable
from gateway.graph.view import make_context
from gateway.home.hours import TERMS, term_starts, this_year, year_before
from gateway.web.charts import Picture, bars
from gateway.web.pages import admins_only

bp = Blueprint("income", __name__, template_folder="templates")

FIGURES = (("card_pence", "Card"), ("invoice_pence", "Invoiced"), ("refunded_pence", "Refunded and credited"),
           ("net_pence", "Net income"), ("unpaid_pence", "Invoices still unpaid"))


@dataclass
class Income:
    years: list[str]  # oldest first
    rows: list[dict]  # one per (year, term), in order: bookings' figures, pence

    def of_year(self, label: str) -> list[dict]:
        i = self.years.index(label)
        return self.rows[3 * i:3 * i + 3]

    def chart(self) -> Picture:
        # net income in whole pounds, each term with this year beside the last
        series = {label: [round(r["net_pence"] / 100) for r in self.of_year(label)]
                  for label in reversed(self.years)}
        return bars("Net income by term, in pounds", list(TERMS), series, prefix="£", category_name="Term")


def income_by_term(ctx) -> Income:
    years = [year_before(this_year()), this_year()]
    bounds: list[date] = []
    for label in years:
        bounds += term_starts(ctx, label)
    bounds.append(date(int(years[-1][:4]) + 1, 9, 1))
    items = ctx.call("bookings", "GET", "/income", params={"bounds": ",".join(d.isoformat() for d in bounds)})["items"]
    return Income(years=years, rows=items)


def _read() -> Income | tuple:
    ctx = make_context()
    try:
        return income_by_term(ctx)
    except (BackendError, BackendUnavailable):
        return render_template("error.html", title="Income cannot be shown just now",
                               message="The booking service is not answering. Try again in a few minutes."), 503
    finally:
        g.backend_calls = g.get("backend_calls", []) + ctx.backend_calls


@bp.get("/admin/income")
def income_page():
    if (refused := admins_only()) is not None:
        return refused
    found = _read()
    if not isinstance(found, Income):
        return found
    return render_template("orders/income.html", income=found, picture=found.chart(), figures=FIGURES,
                           terms=TERMS)


@bp.get("/admin/income.csv")
def income_csv():
    if (refused := admins_only()) is not None:
        return refused
    found = _read()
    if not isinstance(found, Income):
        return found
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Academic year", "Term", "Starts on"] + [name + " (£)" for _, name in FIGURES])
    for label in found.years:
        for term, row in zip(TERMS, found.of_year(label)):
            writer.writerow([label, term, row["starts_on"]] + [f"{row[key] / 100:.2f}" for key, _ in FIGURES])
    return Response(("\ufeff" + out.getvalue()).encode("utf-8"), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=income-by-term.csv"})
