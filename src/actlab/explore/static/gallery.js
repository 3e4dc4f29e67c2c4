// Gallery filters: show the cards whose data-* attributes match; no charting code on this page.
(function () {
  "use strict";
  var cards = Array.prototype.slice.call(document.querySelectorAll("#gallery .card"));
  var search = document.getElementById("search");
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  var count = document.getElementById("count");
  var none = document.getElementById("none");
  function apply() {
    var q = search.value.trim().toLowerCase().replace(/-/g, "_");
    var shown = 0;
    cards.forEach(function (c) {
      var ok = !q || c.dataset.search.replace(/-/g, "_").indexOf(q) >= 0;
      selects.forEach(function (s) {
        if (s.value && c.dataset[s.dataset.filter] !== s.value) ok = false;
      });
      c.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = shown + " of " + cards.length + " functions";
    none.hidden = shown > 0;
  }
  search.addEventListener("input", apply);
  selects.forEach(function (s) { s.addEventListener("change", apply); });
  apply();  // the browser may restore form values on back navigation
})();
