// "What happens in a network": draws the lab's precomputed runs (window.ACTLAB_NET) — signal and
// gradient through depth per init, dead/saturated shares over training, and the spirals frames.
(function () {
  "use strict";
  var P = window.ActlabPlot;
  function depthView(dep) {
    var el = document.getElementById("net-depth-plot"), slider = document.getElementById("net-depth");
    var sel = document.getElementById("net-init"), out = document.getElementById("net-depth-out"), u = null;
    function draw() {
      var d = dep[sel.value], n = Number(slider.value);
      out.textContent = n;
      var L = d.layers.slice(0, n), s = d.signal_std.slice(0, n), g = d.grad_rms.slice(0, n);
      // log scale: a zero is a gap, and so is a value past 1e+-14 (a vanishing or diverging stack:
      // uPlot's log axis has ticks from 1e-16 to 1e16 only, and fails beyond them; the range
      // below keeps a decade of margin inside that)
      var pos = function (v) { return v > 1e-14 && v < 1e14 ? v : null; };
      var data = [L, s.map(pos), g.map(pos)];
      var count = function (a) { return a.filter(function (v) { return v !== null; }).length; };
      if (count(data[1]) < 2 || count(data[2]) < 2) {  // the stack leaves float range at once
        if (u) { u.destroy(); u = null; }
        el.textContent = "With this init the signal or the gradient leaves the plotted range " +
          "(1e-14 to 1e14) within the first layers; there is no curve to draw.";
        return;
      }
      if (!u) el.textContent = "";
      var vals = data[1].concat(data[2]).filter(function (v) { return v !== null; });
      var lo = Math.min.apply(null, vals), hi = Math.max.apply(null, vals);
      // a log axis needs a span: one value (a stack that diverges after layer 1) gets a decade each side
      // whole decades, at least one: uPlot's log axis fails on a range inside one decade
      var d0 = Math.floor(Math.log10(lo)), d1 = Math.ceil(Math.log10(hi));
      if (d1 <= d0) d1 = d0 + 1;
      var yr = vals.length ? [Math.pow(10, Math.max(d0, -15)), Math.pow(10, Math.min(d1, 15))] : [0.1, 10];
      if (u) { u.setScale("y", { min: yr[0], max: yr[1] }); u.setData(data, false); u.redraw(); return; }
      u = P.chart(el, { height: 280, scales: { x: { time: false }, y: { distr: 3, range: function () { return yr; } } },
        series: [{ label: "layer" }, { label: "signal std", stroke: "#1f77b4", width: 2 },
                 { label: "gradient RMS", stroke: "#d62728", width: 2, dash: [7, 5] }],
        axes: [{ label: "layer" }, {}] }, data);
    }
    slider.addEventListener("input", draw);
    sel.addEventListener("change", draw);
    draw();
    return function () { return u; };
  }
  function trainView(t) {
    var el = document.getElementById("net-train-plot");
    var finite = t.train_acc.filter(function (v) { return v !== null; }).length;
    if (finite < 2) {  // diverged in its first epoch: nothing to draw over epochs
      el.textContent = "Training diverged in epoch " + (finite ? t.epochs[finite] : 0) +
        " (the loss became NaN or infinite); there is no curve to draw.";
      return null;
    }
    return P.chart(el, { height: 260, scales: { x: { time: false }, y: { range: [0, 1] } },
      series: [{ label: "epoch" }, { label: "dead share", stroke: "#444", width: 2 },
               { label: "saturated share", stroke: "#9467bd", width: 2, dash: [7, 5] },
               { label: "train acc", stroke: "#2ca02c", width: 1.5 }, { label: "test acc", stroke: "#ff7f0e", width: 1.5 }],
      axes: [{ label: "epoch" }, {}] }, [t.epochs, t.dead_share, t.saturated_share, t.train_acc, t.test_acc]);
  }
  function spiralsView(sp) {
    var cv = document.getElementById("net-spirals"), slider = document.getElementById("net-epoch");
    var out = document.getElementById("net-epoch-out"), ctx = cv.getContext("2d"), n = sp.n;
    var img = document.createElement("canvas"); img.width = n; img.height = n;
    var ictx = img.getContext("2d");
    slider.max = sp.frames.length - 1;
    function decode(b64) {
      var s = atob(b64), a = new Uint8Array(s.length);
      for (var i = 0; i < s.length; i++) a[i] = s.charCodeAt(i);
      return a;
    }
    function draw() {
      var k = Number(slider.value), p = decode(sp.frames[k]), im = ictx.createImageData(n, n);
      for (var i = 0; i < n * n; i++) {  // blue (P = 0) to red (P = 1), row 0 at the top (ymax)
        var t = p[i] / 255;
        im.data[4 * i] = Math.round(60 + 190 * t); im.data[4 * i + 1] = Math.round(110 - 40 * Math.abs(2 * t - 1));
        im.data[4 * i + 2] = Math.round(250 - 190 * t); im.data[4 * i + 3] = 255;
      }
      ictx.putImageData(im, 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(img, 0, 0, cv.width, cv.height);
      var e = sp.extent, pts = sp.points;
      for (var j = 0; j < pts.x.length; j++) {
        var px = (pts.x[j] - e[0]) / (e[1] - e[0]) * cv.width, py = (e[3] - pts.y[j]) / (e[3] - e[2]) * cv.height;
        ctx.fillStyle = pts.label[j] ? "#7a0000" : "#00205b";
        ctx.fillRect(px - 1.5, py - 1.5, 3, 3);
      }
      out.textContent = "epoch " + sp.epochs[k];
    }
    slider.addEventListener("input", draw);
    draw();
  }
  window.ActlabNetwork = function (entry) {
    if (!entry) return;
    if (entry.depth) window.actlabDepth = depthView(entry.depth);
    if (entry.training) window.actlabTrain = trainView(entry.training);
    if (entry.spirals) spiralsView(entry.spirals);
  };
})();
