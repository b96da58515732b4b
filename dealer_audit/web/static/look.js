// dealer-audit look pages: draw the charts whose data the server put next to them (report-model figures as
// they are: `values` for lengths and colours, `texts` — rounded as in the PDFs — for every label).
(function () {
  "use strict";
  var FONT = getComputedStyle(document.documentElement).fontFamily;
  var BRAND = "#1f4e79", REGION = "#7fa7cf", NETWORK = "#b8c2cc", MUTED = "#66707a";

  function data(name) {
    var node = document.querySelector('script[data-for="' + name + '"]');
    return node ? JSON.parse(node.textContent) : null;
  }

  function esc(text) {  // names in tooltips (HTML) are text, never markup
    return String(text).replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
  }

  function textAt(series, index) {
    var t = series.texts[index];
    return t === "N/A" || t === "–" ? "" : t;
  }

  var builders = {
    sections: function (d) {
      var colours = [BRAND, REGION, NETWORK];
      return {
        textStyle: { fontFamily: FONT },
        color: colours,
        legend: { top: 0, textStyle: { color: MUTED } },
        grid: { left: 8, right: 40, top: 28, bottom: 4, containLabel: true },
        tooltip: {
          trigger: "axis", axisPointer: { type: "shadow" },
          formatter: function (items) {
            var i = items[0].dataIndex;
            return "<b>" + esc(d.categories[i]) + "</b> · " + esc(d.standards[i]) + "<br>" + d.series.map(function (s, k) {
              return items[0].marker.replace(/background-color:[^;]+/, "background-color:" + colours[k]) + esc(s.name) + ": " + s.texts[i];
            }).join("<br>");
          }
        },
        xAxis: { type: "value", min: 0, max: 100, splitLine: { lineStyle: { color: "#eef1f4" } } },
        yAxis: { type: "category", inverse: true, data: d.categories, axisLabel: { width: 170, overflow: "truncate" } },
        series: d.series.map(function (s, k) {
          return {
            name: s.name, type: "bar", barGap: "10%", barCategoryGap: "28%", data: s.values,
            label: k === 0 ? { show: true, position: "right", fontWeight: "bold", formatter: function (p) { return textAt(s, p.dataIndex); } } : { show: false }
          };
        })
      };
    },
    trend: function (d) {
      return {
        textStyle: { fontFamily: FONT },
        color: [BRAND, REGION, NETWORK],
        legend: { top: 0, textStyle: { color: MUTED } },
        grid: { left: 8, right: 28, top: 44, bottom: 4, containLabel: true },
        tooltip: {
          trigger: "axis",
          formatter: function (items) {
            var i = items[0].dataIndex;
            return esc(d.waves[i]) + "<br>" + items.map(function (it) { return it.marker + esc(it.seriesName) + ": " + d.series[it.seriesIndex].texts[i]; }).join("<br>");
          }
        },
        xAxis: { type: "category", data: d.waves, boundaryGap: true },
        yAxis: { type: "value", scale: true, max: function (v) { return Math.min(d.max, Math.ceil(v.max / 10) * 10 + 10); }, splitLine: { lineStyle: { color: "#eef1f4" } } },
        series: d.series.map(function (s, k) {
          return {
            name: s.name, type: "line", data: s.values, symbolSize: k === 0 ? 8 : 5,
            lineStyle: { width: k === 0 ? 3 : 2 },
            label: k === 0 ? { show: true, position: "top", formatter: function (p) { return textAt(s, p.dataIndex); } } : { show: false }
          };
        })
      };
    },
    bands: function (d) {
      return {
        textStyle: { fontFamily: FONT },
        grid: { left: 8, right: 16, top: 16, bottom: 4, containLabel: true },
        tooltip: { trigger: "item" },
        xAxis: { type: "category", data: d.labels },
        yAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#eef1f4" } } },
        series: [{
          name: d.name, type: "bar", barWidth: "55%", label: { show: true, position: "top" },
          data: d.counts.map(function (n, i) { return { value: n, itemStyle: { color: d.colors[i] } }; })
        }]
      };
    },
    heatmap: function (d, chart) {
      var cells = [];
      d.cells.forEach(function (row, y) {
        row.forEach(function (v, x) { cells.push([x, y, v == null ? "-" : v]); });
      });
      chart.on("click", function (p) {
        if (p.componentType === "series") { window.location.href = "/look/" + encodeURIComponent(d.wave) + "/dealers/" + encodeURIComponent(d.codes[p.value[1]]); }
      });
      return {
        textStyle: { fontFamily: FONT },
        grid: { left: 8, right: 16, top: 8, bottom: 70, containLabel: true },
        tooltip: {
          formatter: function (p) { return esc(d.rows[p.value[1]]) + "<br>" + esc(d.columns[p.value[0]]) + ": " + d.texts[p.value[1]][p.value[0]]; }
        },
        xAxis: { type: "category", data: d.columns, position: "top", axisLabel: { interval: 0, rotate: 30, width: 120, overflow: "truncate" }, splitArea: { show: true } },
        yAxis: { type: "category", data: d.rows, inverse: true, axisLabel: { interval: 0, width: 180, overflow: "truncate" }, splitArea: { show: true } },
        visualMap: {
          min: 0, max: 100, calculable: true, orient: "horizontal", left: "center", bottom: 0, itemHeight: 240,
          inRange: { color: ["#c62828", "#f9a825", "#fff59d", "#66bb6a", "#2e7d32"] }
        },
        series: [{
          type: "heatmap", data: cells, cursor: "pointer",
          label: { show: true, fontSize: 11, formatter: function (p) { return d.texts[p.value[1]][p.value[0]]; } },
          itemStyle: { borderColor: "#fff", borderWidth: 1 }
        }]
      };
    }
  };

  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var kind = el.getAttribute("data-chart");
    var d = data(kind);
    if (!d || !builders[kind]) { return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var option = builders[kind](d, chart);
    option.animation = false;  // drawn at once: no half-drawn chart in a screenshot or a print
    chart.setOption(option);
    el.setAttribute("data-drawn", "true");
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
