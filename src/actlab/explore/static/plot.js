// Shared by the function, compare and network views: number format and a uPlot chart sized to
// its container. Curves are always data computed by actlab at build time; nothing is evaluated here.
(function () {
  "use strict";
  function fmt(v) {
    if (v === null || v === undefined) return "—";
    if (v === 0) return "0";
    var s = Number(v).toPrecision(6);
    if (s.indexOf("e") < 0 && s.indexOf(".") >= 0) s = s.replace(/0+$/, "").replace(/\.$/, "");
    return s;
  }
  function width(el) { return Math.max(280, el.clientWidth || 600); }
  function chart(el, opts, data) {
    opts.pxAlign = 0;
    // a margin above and below, so curves, dots and rings at the extremes are not cut in half
    opts.scales = opts.scales || {};
    if (!opts.scales.y) opts.scales.y = { range: function (u, lo, hi) {
      if (lo === null || hi === null) return [-1, 1];
      var pad = Math.max((hi - lo) * 0.08, 0.1);
      return [lo - pad, hi + pad];
    } };  // smooth curves: no snapping of points to whole pixels
    opts.width = width(el);
    opts.height = opts.height || 360;
    var u = new uPlot(opts, data, el);
    window.addEventListener("resize", function () { u.setSize({ width: width(el), height: opts.height }); });
    return u;
  }
  var COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];
  window.ActlabPlot = { fmt: fmt, chart: chart, COLORS: COLORS };
})();
