"""Pictures of numbers, drawn on the server by a charting library (pygal) as SVG, each
with its text equivalent: a sentence (the image's alternative text) and a table (in a
details element beside it; see the `chart` macro in templates/macros/ui.html).

The SVG goes into the page as an <img> from a data: URL.  pygal writes its styling as
a <style> element and a small config <script>; inside an image neither is subject to the
page's strict Content-Security-Policy (the script never runs; the styles are the
image's own), so the CSP stays as strict as it is and nothing is re-written.

Series are told apart by their words, never by colour alone: every bar carries its
series' name and value as printed labels, and the legend names each colour."""
from __future__ import annotations

import base64
import sys
from dataclasses import dataclass, field

import pygal
from markupsafe import Markup, escape
from pygal.style import Style

# pygal appends a legacy import hook to sys.meta_path (for its optional pygal.maps.*
# plugins, which we do not use).  It has no find_spec, so every import that no other
# finder satisfies raises an ImportWarning from it: under warnings-as-errors, any
# optional import anywhere (schemathesis looking for allure, say) becomes a crash.
sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__module__ != "pygal"]

# Lighthouse Learning's colours, mid-tones chosen so that each bar stands at least 3:1
# against the white page (WCAG 1.4.11) and the black words printed on it at 4.5:1.
BRAND = Style(
    background="#ffffff", plot_background="#ffffff", foreground="#0b0c0c", foreground_strong="#0b0c0c",
    foreground_subtle="#505a5f", opacity="1", opacity_hover="1", transition="0s",
    colors=("#2f8a97", "#c96f00", "#8a6bbf", "#3d8f3d", "#d9534f"),
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
    label_font_size=14, major_label_font_size=14, value_font_size=14, value_label_font_size=12,
    legend_font_size=14, title_font_size=16, tooltip_font_size=14,
)


@dataclass
class Picture:
    caption: str
    summary: str  # the facts in one sentence: the image's alternative text
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    image: str = ""  # a data: URL
    height: int = 360

    @property
    def svg(self) -> Markup:
        return Markup('<img src="{}" alt="{}" width="640" height="{}">').format(
            self.image, escape(self.summary), self.height)


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def bars(caption: str, categories: list[str], series: dict[str, list[float]], *, unit: str = "", prefix: str = "",
         summary: str | None = None, horizontal: bool = False, max_value: float | None = None,
         category_name: str = "", whole: bool = False, marks: dict[str, str] | None = None) -> Picture:
    """Bars for each category, one bar per series (this year beside last, say).
    `category_name` heads the table's first column (a school, a term); `whole`: the
    values are counts, so the axis marks whole numbers only.  `marks`: the short word
    each series' bars carry (its name, when not given), so two series are told apart by
    words as well as colour.  `prefix` and `unit` go before and after each value (£, h)."""
    kind = pygal.HorizontalBar if horizontal else pygal.Bar
    height = max(360, 40 * len(categories) * max(1, len(series)) + 120) if horizontal else 360
    chart = kind(style=BRAND, js=[], disable_xml_declaration=True, width=640, height=height,
                 print_values=True, print_labels=len(series) > 1, show_legend=len(series) > 1,
                 legend_at_bottom=True, show_y_guides=True,
                 x_label_rotation=0 if horizontal or len(categories) <= 4 else 20,
                 truncate_label=-1, range=(0, max_value) if max_value else None, include_x_axis=True,
                 value_formatter=lambda v: f"{prefix}{_number(v)}{unit}", margin=16)
    if whole:  # meetings or places: no 0.2 of a meeting on the axis
        top = int(max([max(values, default=0) for values in series.values()], default=0))
        step = max(1, -(-top // 8))
        chart.y_labels = list(range(0, top + step + 1, step))
    chart.x_labels = categories
    marks = marks or {}
    for name, values in series.items():
        # each bar names its series, so the colour is never the only way to tell them apart
        # (a bar of nothing has no colour to tell apart, and its label would overprint)
        mark = marks.get(name, name)
        chart.add(name, [{"value": v, "label": mark} if len(series) > 1 and v else v for v in values])
    svg = chart.render(is_unicode=True)
    headers = [category_name or caption] + list(series)
    rows = [[category] + [f"{prefix}{_number(values[i])}{unit}" for values in series.values()]
            for i, category in enumerate(categories)]
    if summary is None:
        summary = caption + ": " + "; ".join(
            f"{row[0]} " + ", ".join(f"{name} {cell}" for name, cell in zip(series, row[1:])) for row in rows) + "."
    image = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return Picture(caption=caption, summary=summary, headers=headers, rows=rows, image=image, height=height)
