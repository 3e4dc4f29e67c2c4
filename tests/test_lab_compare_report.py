"""The compare report reads well: a summary table that fits 900 px (compact intervals, few columns),
a details table with the rest, and every figure in the table's order with one colour per activation."""

from __future__ import annotations

import re
from html import unescape

import numpy as np
import pytest
from matplotlib.colors import to_rgba

import actlab.lab.report as report_mod
from actlab.lab.compare import compare
from actlab.lab.compare_report import (
    _ci_parts,
    _colors,
    _groups,
    _report_order,
    write_compare_report,
)
from actlab.lab.compare_report import (
    fmt_ci as _fmt_ci,
)
from actlab.lab.report import Html, table_html

ACTS = ["relu", "tanh", "sigmoid", "elu", "gelu", "silu", "mish"]
SUMMARY_COLUMNS = [
    "activation",
    "test accuracy",
    "train loss",
    "epochs to target",
    "dead units",
    "saturated units",
]
DETAILS_COLUMNS = [
    "activation",
    "lr",
    "seeds",
    "diverged",
    "final train error [CI]",
    "seconds to target [CI]",
    "s / epoch",
    "saved bytes / element",
    "f' error (stated)",
]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """A 7-activation report (more than five: small multiples) whose table order is the reverse
    of the run order, with every figure captured as it is drawn."""
    res = compare(ACTS, dataset="spirals", seeds=2, epochs=2, workers=1)
    # give the entries accuracies that sort them opposite to the run order, so "in table order"
    # cannot pass by accident
    for i, s in enumerate(res.summaries):
        s.final_test_accuracy = (0.5 + 0.05 * i, 0.49 + 0.05 * i, 0.51 + 0.05 * i)
    figs = []
    real = report_mod.figure_html

    def capture(fig, **kw):
        figs.append(fig)
        return real(fig, close=False, **{k: v for k, v in kw.items() if k != "close"})

    mp = pytest.MonkeyPatch()
    mp.setattr(report_mod, "figure_html", capture)
    try:
        paths = write_compare_report(res, tmp_path_factory.mktemp("report"))
    finally:
        mp.undo()
    return res, paths["html"].read_text(), figs


def _table(html: str, cls: str) -> tuple[list[str], list[list[str]]]:
    m = re.search(rf'<table class="data {cls}">(.*?)</table>', html, re.S)
    assert m, cls
    body = m.group(1)
    headers = [unescape(h) for h in re.findall(r"<th>(.*?)</th>", body)]
    rows = [
        [unescape(c) for c in re.findall(r"<td>(.*?)</td>", r)]
        for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]
    ]
    return headers, rows


def test_the_report_opens_with_what_the_run_shows(report):
    _, html, _ = report
    assert re.findall(r"<h2>(.*?)</h2>", html)[:3] == ["What this run shows", "Setup", "Summary"]


def test_summary_has_few_columns_and_compact_exact_intervals(report):
    res, html, _ = report
    headers, rows = _table(html, "summary")
    assert headers == SUMMARY_COLUMNS  # one learning rate, nothing diverged: neither column shown
    order = _report_order(res.summaries)
    assert [r[0] for r in rows] == [s.label for s in order] == ACTS[::-1]
    for s, r in zip(order, rows):
        est, interval = _ci_parts(s.final_test_accuracy, pct=True)
        # the estimate on its own line, the exact interval on a second, smaller one
        assert r[1] == f'<span class="est">{est}</span><span class="ci">{interval}</span>'
        est, interval = _ci_parts(s.final_train_loss)
        assert f'<span class="ci">{interval}</span>' in r[2]
    assert "white-space:nowrap" in html  # an estimate or an interval never breaks inside itself


def test_details_table_holds_the_rarely_needed_columns_with_exact_intervals(report):
    res, html, _ = report
    headers, rows = _table(html, "details")
    assert headers == DETAILS_COLUMNS
    order = _report_order(res.summaries)
    assert [r[0] for r in rows] == [s.label for s in order]
    for s, r in zip(order, rows):
        assert r[4] == _fmt_ci(s.final_train_error, pct=True) and "[" in r[4]
        assert r[5] == _fmt_ci(s.seconds_to_target)
        assert r[8] == "exact"
    summary_headers, _ = _table(html, "summary")
    assert not {"s / epoch", "saved bytes / element", "seconds to target [CI]"} & set(summary_headers)


def test_nothing_inline_is_wider_than_900_px(report):
    _, html, _ = report
    body = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    widths = [int(w) for w in re.findall(r'width\s*[=:]\s*"?\s*(\d+)', body)]
    assert all(w <= 900 for w in widths), widths
    css = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    assert "overflow-x:auto" in css and "max-width:100%" in css
    assert html.count('<div class="scroll">') == html.count("<table")  # every table in a scroll box


def _colour(artist) -> tuple:
    return tuple(np.round(to_rgba(artist.get_color()), 4))


def test_figures_follow_the_table_order_with_one_colour_per_activation(report):
    res, _, figs = report
    order = [s.label for s in _report_order(res.summaries)]
    functions, curves, accuracy, epochs, dead = figs

    # f/f': more than five functions, so one panel per function, in table order
    panels = [ax for ax in functions.axes if ax.get_visible()]
    assert [ax.get_title() for ax in panels] == order
    colour = {ax.get_title(): _colour(ax.title) for ax in panels}
    assert len(set(colour.values())) == len(order)
    for ax in panels:  # f drawn in the panel's colour
        assert any(_colour(line) == colour[ax.get_title()] for line in ax.get_lines())

    # training curves: rows of at most five entries, read top to bottom in table order
    rows = [ax for ax in curves.axes if ax.get_legend() is not None]
    legend = [t.get_text() for ax in rows for t in ax.get_legend().get_texts()]
    assert legend == order and all(len(ax.get_legend().get_texts()) <= 5 for ax in rows)
    for ax in curves.axes:
        for line in ax.get_lines():
            if line.get_label() in colour:
                assert _colour(line) == colour[line.get_label()], line.get_label()

    # dot plots: the table's first row at the top, each dot in its activation's colour
    for fig in (accuracy, epochs):
        ax = fig.axes[0]
        assert [t.get_text() for t in ax.get_yticklabels()][::-1] == order
    ax = accuracy.axes[0]
    dots = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert [_colour(d) for d in dots][::-1] == [colour[k] for k in order]

    # dead and saturated units: left to right in table order
    assert [t.get_text() for t in dead.axes[0].get_xticklabels()] == order


def test_colours_next_to_each_other_differ_in_hue():
    import colorsys

    for n in (3, 10, 12, 20):
        cols = _colors(n)
        assert len(set(cols)) == n
        hues = [colorsys.rgb_to_hls(*c[:3]) for c in cols]
        for a, b in zip(hues, hues[1:]):
            grey = a[2] < 0.15 or b[2] < 0.15  # tab10's grey has no hue to compare
            assert grey or min(abs(a[0] - b[0]), 1 - abs(a[0] - b[0])) > 0.04, (n, a, b)


@pytest.mark.parametrize(
    "n, sizes", [(0, [0]), (3, [3]), (5, [5]), (6, [3, 3]), (7, [4, 3]), (10, [5, 5]), (12, [4, 4, 4])]
)
def test_groups_of_at_most_five_in_order(n, sizes):
    g = _groups(list(range(n)))
    assert [len(x) for x in g] == sizes and sum(g, []) == list(range(n))


def test_html_cells_pass_through_and_text_is_escaped():
    t = table_html(["a", "b"], [[Html('<span class="ci">[1, 2]</span>'), "<b>"]], cls="summary")
    assert '<span class="ci">[1, 2]</span>' in t and "&lt;b&gt;" in t
    assert t.startswith('<div class="scroll">') and '<table class="data summary">' in t


def test_the_few_seeds_warning_reads_as_a_sentence(report):
    _, html, _ = report
    # two seeds: the coverage note follows a full stop, so it starts with a capital
    assert "Hesterberg 2015). Only 2 samples: a bootstrap interval cannot be wider" in html
