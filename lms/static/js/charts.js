// Draws the dashboard figures: each <div data-figure="id"> gets the Plotly figure serialised in
// <script type="application/json" id="id">. A data block needs no CSP nonce; this file does.
(function () {
  "use strict";

  function drawAll() {
    var targets = document.querySelectorAll("[data-figure]");
    Array.prototype.forEach.call(targets, function (target) {
      var source = document.getElementById(target.getAttribute("data-figure"));
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      window.Plotly.newPlot(target, figure.data, figure.layout,
                            {responsive: true, displaylogo: false});
      if (figure.data.some(linksOf)) {
        target.classList.add("has-drill-down");
        target.on("plotly_click", followLink);
      }
    });
  }

  // Drill-down: a trace's meta.links holds, per bar or point, the URL of the rows behind it
  // (lms/admin/drill.py builds them); clicking the bar or point opens that list.
  function linksOf(trace) {
    return trace.meta && trace.meta.links;
  }

  function followLink(event) {
    var point = event.points && event.points[0];
    var links = point && linksOf(point.data);
    var index = point && (point.pointIndex !== undefined ? point.pointIndex : point.pointNumber);
    if (links && links[index]) {
      window.location.assign(links[index]);
    }
  }

  // The From/To inputs only mean something for a custom range; picking a date switches to it.
  function wireRange() {
    var range = document.getElementById("range");
    var parts = document.querySelectorAll("[data-custom-range]");
    if (!range || !parts.length) { return; }
    function sync() {
      Array.prototype.forEach.call(parts, function (part) {
        part.classList.toggle("is-inactive", range.value !== "custom");
      });
    }
    range.addEventListener("change", sync);
    Array.prototype.forEach.call(parts, function (part) {
      part.querySelector("input").addEventListener("change", function () {
        range.value = "custom";
        sync();
      });
    });
    sync();
  }

  function start() {
    wireRange();
    drawAll();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
