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
      var pos = function (v) { return v > 0 ? v : null; };  // log scale: a zero is a gap
      var data = [L, s.map(pos), g.map(pos)];
      if (u) { u.setData(data); return; }
      u = P.chart(el, { height: 280, scales: { x: { time: false }, y: { distr: 3 } },
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
