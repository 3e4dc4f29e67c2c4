// Compare mode: up to four functions at default parameters, f and f' overlaid, properties side by
// side. The choice lives in the query string (?f=relu,gelu); each function's curves are loaded by
// adding its data script, which works from file:// where reading a JSON file is blocked.
(function () {
  "use strict";
  var P = window.ActlabPlot, NAMES = window.ACTLAB_NAMES, MAX = 4;
  var picks = [0, 1, 2, 3].map(function (i) { return document.getElementById("pick-" + i); });
  var charts = {};
  var status = document.getElementById("status");

  function fromQuery() {
    var m = /[?&]f=([^&]*)/.exec(location.search);
    var want = m ? decodeURIComponent(m[1]).split(",") : ["relu", "gelu"];
    return want.filter(function (n) { return NAMES.indexOf(n) >= 0; }).slice(0, MAX);
  }
  function chosen() {
    var out = [];
    picks.forEach(function (p) { if (p.value && out.indexOf(p.value) < 0) out.push(p.value); });
    return out;
  }
  function load(name, done) {
    var all = window.ACTLAB_DATA || {};
    if (all[name]) return done();
    var s = document.createElement("script");
    s.src = "data/" + name + ".js";
    s.onload = done;
    s.onerror = function () { status.textContent = "Could not load the data of " + name + "."; };
    document.body.appendChild(s);
  }
  function defaults(name) {
    var d = window.ACTLAB_DATA[name], c = d.combos[d.default];
    return { data: d, combo: c, x: c.x || d.x };
  }
  function draw(names) {
    ["f", "d"].forEach(function (which) {
      var tables = names.map(function (n) { var v = defaults(n); return [v.x, v.combo[which]]; });
      var joined = tables.length ? uPlot.join(tables) : [[]];
      var series = [{ label: "x", value: function (u, v) { return P.fmt(v); } }].concat(names.map(function (n, i) {
        return { label: n + (which === "f" ? "" : "'"), stroke: P.COLORS[i], width: 2, dash: which === "d" ? [7, 5] : undefined,
          value: function (u, v) { return P.fmt(v); } };
      }));
      var el = document.getElementById("plot-" + which);
      if (charts[which]) charts[which].destroy();
      el.innerHTML = "";
      charts[which] = P.chart(el, { height: 320, scales: { x: { time: false } }, series: series,
        axes: [{ label: "x" }, {}] }, joined);
    });
    table(names);
    status.textContent = names.length ? "Showing " + names.join(", ") + "." : "Choose up to four functions.";
    window.actlabCharts = charts;
  }
  function table(names) {
    var t = document.getElementById("props");
    t.innerHTML = "";
    if (!names.length) return;
    var keys = [], vals = {};
    names.forEach(function (n) {
      var v = defaults(n), row = {};
      row["kind"] = v.data.kind;
      v.combo.props.forEach(function (p) { row[p[0]] = p[1]; if (keys.indexOf(p[0]) < 0) keys.push(p[0]); });
      [["f0", "f(0)"], ["d0", "f'(0)"], ["gain", "init gain"]].forEach(function (k) {
        if (k[0] in v.combo) row[k[1]] = v.combo[k[0]] === null ? "inf" : P.fmt(v.combo[k[0]]);
      });
      row["parameters"] = v.data.params.map(function (p) { return p.name + " = " + p.labels[p.default_index]; }).join(", ") || "—";
      row["kinks (f' used)"] = (v.combo.kinks || []).map(function (k) { return P.fmt(k.at) + " (" + P.fmt(k.d) + ")"; }).join(", ") || "—";
      vals[n] = row;
    });
    keys = ["kind"].concat(keys, ["f(0)", "f'(0)", "init gain", "parameters", "kinks (f' used)"]);
    var head = document.createElement("tr");
    head.appendChild(document.createElement("th"));
    names.forEach(function (n, i) {
      var th = document.createElement("th"), a = document.createElement("a");
      a.href = "f/" + n + ".html"; a.textContent = n; a.style.color = P.COLORS[i];
      th.scope = "col"; th.appendChild(a); head.appendChild(th);
    });
    t.appendChild(head);
    keys.forEach(function (k) {
      var tr = document.createElement("tr"), th = document.createElement("th");
      th.scope = "row"; th.textContent = k; tr.appendChild(th);
      names.forEach(function (n) { var td = document.createElement("td"); td.textContent = vals[n][k] || "—"; tr.appendChild(td); });
      t.appendChild(tr);
    });
  }
  function refresh(push) {
    var names = chosen(), pending = names.length;
    if (push && history.replaceState) {
      try { history.replaceState(null, "", "?f=" + names.join(",")); } catch (e) { /* some file:// setups refuse */ }
    }
    if (!pending) return draw([]);
    names.forEach(function (n) { load(n, function () { if (--pending === 0) draw(names); }); });
  }
  var start = fromQuery();
  picks.forEach(function (p, i) { p.value = start[i] || ""; p.addEventListener("change", function () { refresh(true); }); });
  refresh(false);
})();
