/* Draws every chart of a page with ECharts (static/vendor/echarts), from data in a json_script element.

   {% include "charts/_chart.html" with chart=… %}  an element [data-chart="bar"|"line"] whose
   data-chart-data names the <script type="application/json"> holding
   {title, categories, series: [{name, unit, values, targets, links}]}.
   {% include "charts/_scripts.html" %}             once, in the page's {% block scripts %}.

   Bars lie horizontally (long Chinese names stay readable on a 360 px phone); a line runs over
   days. The legend shows one series at a time, since series may have different units. A series'
   targets are drawn as red marks; its links make each bar or point open its drill-down. Charts
   follow the window's size. */
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

  function legendOf(data) {
    var selected = {};
    data.series.forEach(function (s, i) { selected[s.name] = i === 0; });
    return {
      show: data.series.length > 1, type: "scroll", top: 0, left: 0, right: 0,
      selectedMode: "single", selected: selected, data: data.series.map(function (s) { return s.name; })
    };
  }

  function targetSeries(s) {
    // A thin red mark at each category's target, in the same legend entry as its bars.
    return {
      name: s.name, type: "scatter", symbol: "rect", symbolSize: [3, 16], z: 3,
      itemStyle: { color: "#d63939" }, data: s.targets, tooltip: { show: false }, silent: true
    };
  }

  function lineOption(data, font) {
    return {
      animation: false,
      textStyle: { fontFamily: font },
      legend: legendOf(data),
      tooltip: { trigger: "axis", confine: true },
      grid: { top: data.series.length > 1 ? 40 : 12, left: 8, right: 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.categories, boundaryGap: false, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", minInterval: 1, splitNumber: 3 },
      series: data.series.map(function (s) {
        return { name: s.name, type: "line", data: s.values, showSymbol: true, symbolSize: 6,
                 tooltip: { valueFormatter: withUnit(s.unit) } };
      })
    };
  }

  function barOption(data, font) {
    var series = [];
    data.series.forEach(function (s) {
      var format = withUnit(s.unit);
      series.push({
        name: s.name, type: "bar", barMaxWidth: 18, data: s.values,
        label: { show: true, position: "right", formatter: function (p) { return format(p.value); } },
        tooltip: { valueFormatter: format }
      });
      if (s.targets) series.push(targetSeries(s));
    });
    return {
      animation: false,
      textStyle: { fontFamily: font },
      legend: legendOf(data),
      tooltip: { trigger: "item", confine: true },
      grid: { top: data.series.length > 1 ? 40 : 12, left: 8, right: 56, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1, splitNumber: 3 },
      yAxis: {
        type: "category", inverse: true, data: data.categories,
        axisLabel: { width: 96, overflow: "truncate" }, axisTick: { show: false }
      },
      series: series
    };
  }

  function linkOf(data, params) {
    var s = null;
    data.series.forEach(function (candidate) { if (candidate.name === params.seriesName) s = candidate; });
    return s && s.links ? s.links[params.dataIndex] : null;
  }

  function draw(element) {
    var data = readData(element);
    if (!data || !window.echarts) return;
    var legend = data.series.length > 1 ? 40 : 12;
    var line = element.getAttribute("data-chart") === "line";
    element.style.height = (line ? 220 : Math.max(160, legend + 24 + data.categories.length * ROW)) + "px";
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    var font = window.getComputedStyle(document.body).fontFamily;
    chart.setOption(line ? lineOption(data, font) : barOption(data, font));
    chart.on("click", function (params) {
      var href = linkOf(data, params);
      if (href) window.location.assign(href);
    });
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
    document.querySelectorAll('[data-chart]:not([data-chart-drawn])').forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
  // Charts that arrive in an htmx swap are drawn too.
  document.addEventListener("htmx:afterSettle", drawAll);
})();
