// Draw every chart on the page from the ECharts options its element carries; the figures stay in
// the table next to it, which is hidden visually (not from screen readers) once the chart is drawn.
(function () {
  function draw() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      // The page's CSP allows no inline styles: the height comes as data, set from here.
      el.style.height = (el.getAttribute("data-height") || "180") + "px";
      el.closest(".chart").classList.add("chart--drawn"); // shows the canvas: ECharts needs its size
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption(JSON.parse(el.getAttribute("data-chart")));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
