/* Bonus pool chart: draws every [data-bonus-chart] element from the JSON block it names, on
   page load and after each htmx swap of the simulator. Canvas renderer and rich-text tooltips:
   nothing inline for the CSP to refuse. */
(function () {
  "use strict";
  function draw(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-bonus-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.bonusChart);
      if (!source) return;
      var data = JSON.parse(source.textContent);
      var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption({
        aria: { enabled: true },
        animation: false,
        grid: { left: 48, right: 8, top: 28, bottom: 24 },
        legend: { top: 0, data: ["模拟", "当前"] },
        tooltip: { trigger: "axis", renderMode: "richText" },
        xAxis: { type: "category", data: data.names, axisLabel: { show: data.names.length <= 20, interval: 0, rotate: 45 } },
        yAxis: { type: "value", name: "元" },
        series: [
          { name: "模拟", type: "bar", data: data.amounts, itemStyle: { color: "#b91c1c" } },
          { name: "当前", type: "line", data: data.before, symbol: "none", lineStyle: { color: "#6b7280" } }
        ]
      }, true);
    });
  }
  function ready() {
    draw(document);
    document.body.addEventListener("htmx:beforeSwap", function (e) {
      e.detail.target.querySelectorAll("[data-bonus-chart]").forEach(function (el) {
        var chart = window.echarts && window.echarts.getInstanceByDom(el);
        if (chart) chart.dispose();
      });
    });
    document.body.addEventListener("htmx:afterSettle", function () { draw(document); });
    window.addEventListener("resize", function () {
      document.querySelectorAll("[data-bonus-chart]").forEach(function (el) {
        var chart = window.echarts && window.echarts.getInstanceByDom(el);
        if (chart) chart.resize();
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
