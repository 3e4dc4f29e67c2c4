"""The explorer in a real browser (Debian's chromium + chromedriver, driven by Selenium), from file://.

Skipped when chromium, chromedriver or selenium is missing, unless ACTLAB_REQUIRE_BROWSER=1 (CI),
where that is a failure. The browser is always quit by the fixture."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

import actlab
from actlab.explore import build_site
from actlab.registry import all_specs

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


def _missing() -> str:
    if not Path(CHROMIUM).exists() or not Path(DRIVER).exists():
        return f"needs {CHROMIUM} and {DRIVER} (Debian: apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "needs selenium (pip install selenium)"
    return ""


@pytest.fixture(scope="module")
def browser():
    why = _missing()
    if why:
        if os.environ.get("ACTLAB_REQUIRE_BROWSER") == "1":
            pytest.fail(f"ACTLAB_REQUIRE_BROWSER=1 but the browser tests cannot run: {why}")
        pytest.skip(why)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="actlab-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--window-size=1280,1000",
    ):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("explorer-browser") / "site"
    build_site(out)
    return out


def _open(d, url: str) -> None:
    d.get_log("browser")  # drop what earlier pages logged
    d.get(url)


def _errors(d) -> list:
    return [e for e in d.get_log("browser") if e["level"] == "SEVERE"]


def _visible(d) -> int:
    return d.execute_script("return document.querySelectorAll('#gallery .card:not([hidden])').length")


def test_gallery_search_and_filters(browser, site):
    d = browser
    _open(d, (site / "index.html").as_uri())
    n = len(all_specs())
    assert _visible(d) == n
    box = d.find_element("id", "search")
    box.send_keys("relu")
    found = _visible(d)
    assert 0 < found < n
    assert d.find_element("id", "count").text == f"{found} of {n} functions"
    names = d.execute_script(
        "return Array.from(document.querySelectorAll('#gallery .card:not([hidden])')).map(c => "
        "c.dataset.search)"
    )
    assert all("relu" in s for s in names)
    box.clear()
    box.send_keys("logistic")  # an alias of sigmoid
    assert d.execute_script(
        "return Array.from(document.querySelectorAll('#gallery .card:not([hidden])')).map(c => "
        "c.dataset.name)"
    ) == ["sigmoid"]
    d.execute_script(
        "const s = document.getElementById('search'); s.value = ''; s.dispatchEvent(new Event('input'))"
    )
    assert _visible(d) == n
    from selenium.webdriver.support.ui import Select

    for key in ("bounded", "learnable", "monotonic", "smooth", "zero_centred"):
        Select(d.find_element("id", f"filter-{key}")).select_by_value("yes")
        k = _visible(d)
        assert 0 < k < n, key
        flags = d.execute_script(
            "return Array.from(document.querySelectorAll('#gallery .card:not([hidden])')).map(c => "
            f"c.dataset.{key})"
        )
        assert set(flags) == {"yes"}, key
        Select(d.find_element("id", f"filter-{key}")).select_by_value("")
    Select(d.find_element("id", "filter-kind")).select_by_value("gated")
    assert 0 < _visible(d) < 10
    # every thumbnail has a text alternative
    assert d.execute_script(
        "return Array.from(document.querySelectorAll('svg')).every(s => s.getAttribute('aria-label'))"
    )
    assert _errors(d) == []


def test_function_page_slider_changes_the_curve(browser, site):
    from selenium.webdriver.common.keys import Keys

    d = browser
    _open(d, (site / "f" / "elu.html").as_uri())
    before = d.execute_script("return actlabChart.data[1].slice()")
    xs = d.execute_script("return actlabChart.data[0].slice()")
    i = xs.index(-1.0)
    assert before[i] == pytest.approx(float(actlab.get("elu")(-1.0)), rel=1e-5)
    slider = d.find_element("id", "p-alpha")
    slider.send_keys(Keys.ARROW_RIGHT)  # keyboard works on the slider
    slider.send_keys(Keys.ARROW_RIGHT)
    alpha = float(d.find_element("id", "p-alpha-out").text)
    assert alpha > 1.0
    after = d.execute_script("return actlabChart.data[1].slice()")
    assert after != before
    assert after[i] == pytest.approx(float(actlab.get("elu", alpha=alpha)(-1.0)), rel=1e-5)
    assert "init gain" in d.find_element("id", "props").text
    assert _errors(d) == []


def test_hover_readout_shows_the_library_value(browser, site):
    from selenium.webdriver.common.action_chains import ActionChains

    d = browser
    _open(d, (site / "f" / "gelu.html").as_uri())
    over = d.find_element("css selector", "#plot .u-over")
    px = d.execute_script("return actlabChart.valToPos(1.0, 'x')")
    w = over.size["width"]
    ActionChains(d).move_to_element_with_offset(over, int(px - w / 2), 0).perform()
    text = d.find_element("id", "readout").text
    m = re.match(r"x = (\S+), f\(x\) = (\S+), f'\(x\) = (\S+)", text)
    assert m, text
    x, f, df = (float(v) for v in m.groups())
    act = actlab.get("gelu")
    assert f == pytest.approx(float(act(x)), rel=1e-5)
    assert df == pytest.approx(float(act.derivative(x)), rel=1e-5)
    assert _errors(d) == []


@pytest.mark.parametrize("names", [["relu", "gelu"], ["relu", "gelu", "elu", "tanh"]])
def test_compare_shows_the_chosen_curves(browser, site, names):
    from selenium.webdriver.support.ui import WebDriverWait

    d = browser
    _open(d, (site / "compare.html").as_uri() + "?f=" + ",".join(names))
    WebDriverWait(d, 10).until(lambda d: d.execute_script("return !!(window.actlabCharts && actlabCharts.f)"))
    WebDriverWait(d, 10).until(
        lambda d: d.execute_script("return actlabCharts.f.series.length") == len(names) + 1
    )
    assert d.execute_script("return actlabCharts.d.series.length") == len(names) + 1
    heads = d.execute_script(
        "return Array.from(document.querySelectorAll('#props th a')).map(a => a.textContent)"
    )
    assert heads == names
    assert _errors(d) == []


def test_guide_and_every_function_page_load_without_errors(browser, site):
    d = browser
    _open(d, (site / "guide.html").as_uri())
    assert "Choosing an activation" in d.title
    assert _errors(d) == []
    for s in all_specs():
        _open(d, (site / "f" / f"{s.name}.html").as_uri())
        assert d.execute_script("return actlabChart.data[1].filter(v => v !== null).length") > 100, s.name
        assert _errors(d) == [], s.name
