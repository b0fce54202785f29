/* Draws every chart of a page with ECharts (static/vendor/echarts), from data in a json_script element.

   {% include "charts/_bar.html" with chart=… %}  an element [data-chart="bar"] whose data-chart-data
   names the <script type="application/json"> holding {title, categories, series: [{name, unit, values}]}.
   {% include "charts/_scripts.html" %}           once, in the page's {% block scripts %}.

   Bars lie horizontally (long Chinese names stay readable on a 360 px phone); the legend shows one
   series at a time, since series may have different units. Charts follow the window's size. */
(function () {
  "use strict";

  var ROW = 30; // pixels per category
  var charts = [];

  function readData(element) {
    var source = document.getElementById(element.getAttribute("data-chart-data") || "");
    if (!source) return null;
    try {
      return JSON.parse(source.textContent || "null");
    } catch (error) {
      return null;
    }
  }

  function withUnit(unit) {
    return function (value) {
      if (value === null || value === undefined || value === "-") return "—";
      return unit ? value + " " + unit : String(value);
    };
  }

  function barOption(data, font) {
    var selected = {};
    data.series.forEach(function (s, i) { selected[s.name] = i === 0; });
    return {
      animation: false,
      textStyle: { fontFamily: font },
      legend: {
        show: data.series.length > 1, type: "scroll", top: 0, left: 0, right: 0,
        selectedMode: "single", selected: selected
      },
      tooltip: { trigger: "item", confine: true },
      grid: { top: data.series.length > 1 ? 40 : 12, left: 8, right: 56, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1, splitNumber: 3 },
      yAxis: {
        type: "category", inverse: true, data: data.categories,
        axisLabel: { width: 96, overflow: "truncate" }, axisTick: { show: false }
      },
      series: data.series.map(function (s) {
        var format = withUnit(s.unit);
        return {
          name: s.name, type: "bar", barMaxWidth: 18, data: s.values,
          label: { show: true, position: "right", formatter: function (p) { return format(p.value); } },
          tooltip: { valueFormatter: format }
        };
      })
    };
  }

  function draw(element) {
    var data = readData(element);
    if (!data || !window.echarts) return;
    var legend = data.series.length > 1 ? 40 : 12;
    element.style.height = Math.max(160, legend + 24 + data.categories.length * ROW) + "px";
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(barOption(data, window.getComputedStyle(document.body).fontFamily));
    element.setAttribute("data-chart-drawn", "true");
    charts.push(chart);
  }

  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      pending = null;
      charts.forEach(function (chart) { chart.resize(); });
    }, 100);
  });

  function drawAll() {
    document.querySelectorAll('[data-chart="bar"]:not([data-chart-drawn])').forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
  // Charts that arrive in an htmx swap are drawn too.
  document.addEventListener("htmx:afterSettle", drawAll);
})();
