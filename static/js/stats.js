/* The statistics dashboard's charts: Apache ECharts (static/vendor/echarts), drawn from the same
 * rows as the table beside each chart, read from the page's json_script block (no inline script:
 * the Content-Security-Policy forbids it). Without JavaScript the tables carry every number.
 */
(function () {
  "use strict";

  function seriesFor(figure) {
    var rows = figure.rows;
    var labels = rows.map(function (row) { return row[figure.label]; });
    if (figure.kind === "pie") {
      return {
        tooltip: { trigger: "item" },
        legend: { type: "scroll", bottom: 0 },
        series: [{
          type: "pie",
          radius: ["35%", "65%"],
          data: rows.map(function (row) { return { name: row[figure.label], value: row[figure.values[0]] }; })
        }]
      };
    }
    return {
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 48, right: 16, top: 16, bottom: 64, containLabel: true },
      xAxis: { type: "category", data: labels, axisLabel: { interval: 0, rotate: labels.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: figure.values.map(function (column) {
        return {
          name: figure.columns[column],
          type: figure.kind === "line" ? "line" : "bar",
          stack: figure.kind === "stack" ? "total" : undefined,
          data: rows.map(function (row) { return row[column]; })
        };
      })
    };
  }

  function draw() {
    var source = document.getElementById("stats-data");
    if (!source || !window.echarts) return;
    var figures = JSON.parse(source.textContent);
    var charts = [];
    figures.forEach(function (figure) {
      var box = document.querySelector('[data-chart="' + figure.key + '"]');
      if (!box) return;
      if (!figure.rows.length) {
        box.hidden = true;
        return;
      }
      var chart = window.echarts.init(box, null, { renderer: "svg" });
      chart.setOption(seriesFor(figure));
      box.setAttribute("data-rendered", "true");
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
