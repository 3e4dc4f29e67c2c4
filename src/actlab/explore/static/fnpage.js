// A function page: the plot of f and f' for the chosen parameter values, read from the curves
// precomputed at build time (window.ACTLAB_DATA), with saturation shading, kink dots, worked
// examples, a readout under the pointer and the properties table for the same values.
(function () {
  "use strict";
  var P = window.ActlabPlot, D = window.ACTLAB_DATA[window.ACTLAB_FN];
  var idx = D.params.map(function (p) { return p.default_index; });
  var combo = null;

  function current() { return D.combos[idx.join(",")]; }
  function paramValues() {
    var v = {};
    D.params.forEach(function (p, i) { v[p.name] = p.values[idx[i]]; });
    return v;
  }
  function examplesShown() {
    var v = paramValues();
    return D.examples.filter(function (e) {
      if (e.x < -5 || e.x > 5) return false;
      return Object.keys(e.params).every(function (k) {
        var a = v[k], b = e.params[k];
        return typeof a === "number" ? Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)) : a === b;
      }) && D.params.every(function (p, i) {  // an example without a parameter is at its default
        return p.name in e.params || idx[i] === p.default_index;
      });
    });
  }
  function kinkAt(x) {
    return (combo.kinks || []).filter(function (k) { return Math.abs(k.at - x) < 1e-9; })[0];
  }

  function overlays(u) {
    if (!combo || combo.error) return;
    var ctx = u.ctx, b = u.bbox;
    ctx.save();
    ctx.fillStyle = "rgba(120,120,140,0.13)";
    (combo.sat || []).forEach(function (s) {
      var x0 = u.valToPos(s[0], "x", true), x1 = u.valToPos(s[1], "x", true);
      var l = Math.max(b.left, Math.min(x0, x1)), r = Math.min(b.left + b.width, Math.max(x0, x1));
      if (r > l) ctx.fillRect(l, b.top, r - l, b.height);
    });
    ctx.restore();
  }
  function markers(u) {
    if (!combo || combo.error) return;
    var ctx = u.ctx, dpr = devicePixelRatio || 1;
    ctx.save();
    (combo.kinks || []).forEach(function (k) {
      var px = u.valToPos(k.at, "x", true), py = u.valToPos(k.d, "y", true);
      ctx.fillStyle = "#d62728";
      ctx.beginPath(); ctx.arc(px, py, 4.5 * dpr, 0, 2 * Math.PI); ctx.fill();
      ctx.font = (11 * dpr) + "px system-ui, sans-serif";
      ctx.fillText("f'(" + P.fmt(k.at) + ") = " + P.fmt(k.d), px + 7 * dpr, py - 7 * dpr);
    });
    examplesShown().forEach(function (e) {
      var px = u.valToPos(e.x, "x", true), py = u.valToPos(e.y, "y", true);
      ctx.strokeStyle = e.of === "value" ? "#1f77b4" : "#d62728";
      ctx.lineWidth = 2 * dpr;
      ctx.beginPath(); ctx.arc(px, py, 6 * dpr, 0, 2 * Math.PI); ctx.stroke();
    });
    ctx.restore();
  }
  function readout(u) {
    var el = document.getElementById("readout"), i = u.cursor.idx;
    if (i === null || i === undefined || !combo || combo.error) return;
    var x = u.data[0][i], f = u.data[1][i], d = u.data[2][i];
    var k = kinkAt(x), dtxt = P.fmt(d);
    if (d === null && k) dtxt = P.fmt(k.d) + " (kink: the value used there)";
    el.textContent = "x = " + P.fmt(x) + ", f(x) = " + P.fmt(f) + ", f'(x) = " + dtxt;
  }

  var el = document.getElementById("plot");
  var u = P.chart(el, {
    height: 380,
    scales: { x: { time: false } },
    series: [
      { label: "x", value: function (u, v) { return P.fmt(v); } },
      { label: "f(x)", stroke: "#1f77b4", width: 2, value: function (u, v) { return P.fmt(v); } },
      { label: "f'(x)", stroke: "#d62728", width: 2, dash: [7, 5], value: function (u, v) { return P.fmt(v); } },
    ],
    axes: [{ label: "x" }, {}],
    hooks: { drawClear: [overlays], draw: [markers], setCursor: [readout] },
  }, [D.x, D.x.map(function () { return null; }), D.x.map(function () { return null; })]);

  function setText(id, text) { var e = document.getElementById(id); if (e) e.textContent = text; }
  var TERMS = {};
  Array.prototype.forEach.call(document.querySelectorAll("#props abbr"), function (a) { TERMS[a.textContent] = a.title; });

  function renderTables() {
    var rows = (combo.props || []).slice();
    [["f0", "f(0)"], ["d0", "f'(0)"], ["gain", "init gain"]].forEach(function (k) {
      if (k[0] in combo) rows.push([k[1], combo[k[0]] === null ? "inf" : P.fmt(combo[k[0]])]);
    });
    var tb = document.querySelector("#props tbody");
    tb.innerHTML = "";
    rows.forEach(function (r) {
      var tr = document.createElement("tr"), th = document.createElement("th"), td = document.createElement("td");
      th.scope = "row";
      if (TERMS[r[0]]) { var ab = document.createElement("abbr"); ab.title = TERMS[r[0]]; ab.textContent = r[0]; th.appendChild(ab); }
      else th.textContent = r[0];
      td.textContent = r[1];
      tr.appendChild(th); tr.appendChild(td); tb.appendChild(tr);
    });
    var kt = document.querySelector("#kinks tbody");
    if (kt) {
      kt.innerHTML = "";
      (combo.kinks || []).forEach(function (k) {
        var tr = document.createElement("tr");
        [P.fmt(k.at) + (k.jump ? " (jump)" : ""), P.fmt(k.d), k.why].forEach(function (t) {
          var td = document.createElement("td"); td.textContent = t; tr.appendChild(td);
        });
        kt.appendChild(tr);
      });
    }
  }

  function update() {
    combo = current();
    var err = document.getElementById("combo-error");
    if (combo.error) {
      if (err) { err.hidden = false; err.textContent = "Not a valid combination: " + combo.error; }
      u.setData([D.x, D.x.map(function () { return null; }), D.x.map(function () { return null; })]);
      return;
    }
    if (err) err.hidden = true;
    u.setData([combo.x || D.x, combo.f, combo.d]);
    renderTables();
  }

  Array.prototype.forEach.call(document.querySelectorAll("#sliders input[type=range]"), function (inp) {
    var i = D.params.map(function (p) { return p.name; }).indexOf(inp.dataset.param);
    inp.addEventListener("input", function () {
      idx[i] = Number(inp.value);
      var lab = D.params[i].labels[idx[i]];
      setText(inp.id + "-out", lab);
      inp.setAttribute("aria-valuetext", lab);
      update();
    });
  });
  var reset = document.getElementById("reset");
  if (reset) reset.addEventListener("click", function () {
    idx = D.params.map(function (p) { return p.default_index; });
    Array.prototype.forEach.call(document.querySelectorAll("#sliders input[type=range]"), function (inp) {
      var i = D.params.map(function (p) { return p.name; }).indexOf(inp.dataset.param);
      inp.value = idx[i];
      setText(inp.id + "-out", D.params[i].labels[idx[i]]);
    });
    update();
  });
  Array.prototype.forEach.call(document.querySelectorAll("button.copy"), function (b) {
    b.addEventListener("click", function () {
      var text = document.getElementById(b.dataset.copy).textContent;
      if (navigator.clipboard) navigator.clipboard.writeText(text).then(function () { b.textContent = "Copied"; },
        function () { b.textContent = "Select and copy"; });
    });
  });
  update();
  // for the browser tests and the curious: the chart and the values it draws
  window.actlabChart = u;
  window.actlabState = function () { return { key: idx.join(","), params: paramValues() }; };
  if (window.ActlabNetwork) window.ActlabNetwork(window.ACTLAB_NET[window.ACTLAB_FN]);
})();
