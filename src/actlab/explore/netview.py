"""'What happens in a network': the lab's precomputed per-function runs, when a build has them.

The data come from ``actlab.explore.network.load_network_data()`` (written separately); a build
without that module, or a function missing from its data, says so on the page instead of
showing anything else.
"""

from __future__ import annotations

from html import escape
from typing import Any

__all__ = ["load", "network_entry", "section_html"]

_SECTION_KEYS = ("depth", "training", "spirals")


def load() -> tuple[dict[str, Any] | None, str]:
    """(data, why it is missing). The module is imported lazily: it may not exist in this build."""
    try:
        from .network import load_network_data
    except ImportError as e:
        return None, f"this build has no network data (actlab.explore.network is not available: {e})"
    data = load_network_data()
    if data is None:
        return None, "this build has no network data (load_network_data() found none)"
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("functions"), dict):
        return None, "the network data are not in the format this explorer reads (version 1)"
    return data, ""


def network_entry(data: dict[str, Any] | None, name: str) -> tuple[dict[str, Any] | None, str]:
    """The function's entry and settings for the page's script, or why there is none."""
    if data is None:
        return None, ""
    f = data["functions"].get(name)
    if f is None:
        return None, f"the network data have no entry for {name}"
    if "skipped" in f:
        return None, f"not run in a network: {f['skipped']}"
    return {"settings": data.get("settings", {}), **{k: f[k] for k in _SECTION_KEYS if k in f}}, ""


def _settings_html(settings: Any) -> str:
    if isinstance(settings, dict):
        rows = "".join(f"<dt>{escape(str(k))}</dt><dd>{escape(str(v))}</dd>" for k, v in settings.items())
        return (
            f'<details><summary>How these were computed</summary><dl class="settings">{rows}</dl></details>'
        )
    return f"<p>{escape(str(settings))}</p>"


def section_html(entry: dict[str, Any] | None, missing: str) -> str:
    head = '<section id="network"><h2>What happens in a network</h2>'
    if entry is None:
        return (
            head
            + f'<p class="missing" id="network-missing">No network data: {escape(missing)}.</p></section>'
        )
    parts = [head, _settings_html(entry["settings"])]
    if "depth" in entry:
        inits = list(entry["depth"])
        opts = "".join(f'<option value="{escape(i)}">{escape(i)}</option>' for i in inits)
        parts.append(
            "<h3>Signal and gradient through depth</h3>"
            "<p>At initialisation: the standard deviation of the signal and the RMS of the gradient at each "
            "layer of a deep stack of dense layers of this function (log scale).</p>"
            '<div class="controls"><label>Depth <input type="range" id="net-depth" min="1" max="100" '
            'value="100"></label> <output id="net-depth-out">100</output> '
            f'<label>Init <select id="net-init">{opts}</select></label></div>'
            '<div id="net-depth-plot" class="plot"></div>'
        )
    if "training" in entry:
        parts.append(
            "<h3>Dead and saturated units over training</h3>"
            "<p>Share of hidden units that are dead (zero gradient on every input) or saturated, and the "
            "accuracies, per epoch.</p>"
            '<div id="net-train-plot" class="plot"></div>'
        )
    if "spirals" in entry:
        parts.append(
            "<h3>Decision boundary on the two spirals</h3>"
            "<p>P(class 1) over the plane as the network trains (blue 0, red 1), with the training "
            "points.</p>"
            '<div class="controls"><label>Epoch <input type="range" id="net-epoch" min="0" '
            'value="0"></label> '
            '<output id="net-epoch-out"></output></div>'
            '<canvas id="net-spirals" width="320" height="320" role="img" '
            'aria-label="decision boundary of the network on the two-spirals data at the chosen '
            'epoch"></canvas>'
        )
    return "".join(parts) + "</section>"
