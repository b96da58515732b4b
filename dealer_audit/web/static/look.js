// dealer-audit look pages: draw the charts whose data the server put next to them (report-model figures as
// they are: `values` for lengths and colours, `texts` — rounded as in the PDFs — for every label).
(function () {
  "use strict";
  var FONT = getComputedStyle(document.documentElement).fontFamily;
  var BRAND = "#1f4e79", REGION = "#7fa7cf", NETWORK = "#b8c2cc", MUTED = "#66707a";
  var WHISKER = "#16324f", SHRUNK = "#d9822b", INDEX_BAR = "#9dbbd9";

  // A 95% interval drawn across a horizontal bar: a line from low to high with end ticks. Data items are
  // [category index, low, high]; `offset(band)` moves the line from the category's centre onto its bar.
  function whisker(offset) {
    return function (params, api) {
      var cat = api.value(0), a = api.coord([api.value(1), cat]), b = api.coord([api.value(2), cat]);
      var band = api.size([0, 1])[1], y = a[1] + offset(band), tick = Math.max(3, Math.min(band * 0.18, 6));
      var style = { stroke: WHISKER, lineWidth: 1.6 };
      return {
        type: "group", children: [
          { type: "line", shape: { x1: a[0], y1: y, x2: b[0], y2: y }, style: style },
          { type: "line", shape: { x1: a[0], y1: y - tick, x2: a[0], y2: y + tick }, style: style },
          { type: "line", shape: { x1: b[0], y1: y - tick, x2: b[0], y2: y + tick }, style: style }
        ]
      };
    };
  }

  function whiskerData(intervals) {  // only the categories that have an interval
    var out = [];
    intervals.forEach(function (iv, i) { if (iv[0] != null && iv[1] != null) { out.push([i, iv[0], iv[1]]); } });
    return out;
  }

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
            }).join("<br>") + (d.interval_texts[i] ? "<br>" + esc(d.interval_name) + ": " + esc(d.interval_texts[i]) : "");
          }
        },
        xAxis: { type: "value", min: 0, max: 100, splitLine: { lineStyle: { color: "#eef1f4" } } },
        yAxis: { type: "category", inverse: true, data: d.categories, axisLabel: { width: 170, overflow: "truncate" } },
        series: d.series.map(function (s, k) {
          return {
            name: s.name, type: "bar", barGap: "10%", barCategoryGap: "28%", data: s.values,
            label: k === 0 ? { show: true, position: "right", fontWeight: "bold", formatter: function (p) { return textAt(s, p.dataIndex); } } : { show: false }
          };
        }).concat([{
          // on the dealer's bar, the first of three: 72% of the band holds 3 bars and 2 gaps of 10% of a bar
          name: d.interval_name, type: "custom", z: 5, silent: true, data: whiskerData(d.intervals), encode: { x: [1, 2], y: 0 },
          itemStyle: { color: WHISKER },
          renderItem: whisker(function (band) { var used = band * 0.72, bar = used / 3.2; return -used / 2 + bar / 2; })
        }])
      };
    },
    indices: function (d) {
      // two panels: the composite on the program's scale, then each standard's index on 0..100
      var rows = d.checklists, top = 30, compositeH = 34, gap = 34;
      var names = [d.composite.name].concat(rows.map(function (r) { return r.name + (r.one_visit ? " *" : ""); }));
      function panel(k, list, max) {
        return [
          {
            name: d.names.index, type: "bar", xAxisIndex: k, yAxisIndex: k, barWidth: "46%", itemStyle: { color: INDEX_BAR },
            data: list.map(function (r) { return r.value; }),
            label: { show: true, position: "insideLeft", color: WHISKER, fontWeight: "bold", formatter: function (p) { return list[p.dataIndex].text; } }
          },
          {
            name: d.names.ci, type: "custom", xAxisIndex: k, yAxisIndex: k, z: 5, silent: true, itemStyle: { color: WHISKER },
            data: whiskerData(list.map(function (r) { return r.interval; })), encode: { x: [1, 2], y: 0 },
            renderItem: whisker(function () { return 0; })
          },
          {
            name: d.names.shrunk, type: "scatter", xAxisIndex: k, yAxisIndex: k, symbol: "diamond", symbolSize: 11, z: 6,
            itemStyle: { color: SHRUNK, borderColor: "#fff", borderWidth: 1 },
            data: list.map(function (r, i) { return r.shrunk == null ? null : [r.shrunk, i]; }).filter(function (x) { return x; })
          }
        ];
      }
      var tip = function (list) {
        return function (p) {
          var r = list[p.seriesType === "scatter" ? p.value[1] : p.dataIndex];
          return "<b>" + esc(r.name) + "</b><br>" + esc(d.names.index) + ": " + esc(r.text) +
            (r.interval_text ? "<br>" + esc(d.names.ci) + ": " + esc(r.interval_text) : "") +
            (r.shrunk_text && r.shrunk != null ? "<br>" + esc(d.names.shrunk) + ": " + esc(r.shrunk_text) : "") +
            (r.one_visit ? "<br>* " + esc(d.one_visit) : "");
        };
      };
      var axisLabel = { width: 190, overflow: "truncate" };
      var series = panel(0, [d.composite], d.scale).concat(panel(1, rows, 100));
      series.forEach(function (s, k) { s.tooltip = { formatter: tip(k < 3 ? [d.composite] : rows) }; });
      return {
        textStyle: { fontFamily: FONT },
        legend: { top: 0, textStyle: { color: MUTED }, data: [d.names.index, d.names.ci, d.names.shrunk] },
        tooltip: { trigger: "item" },
        grid: [
          { left: 200, right: 24, top: top, height: compositeH },
          { left: 200, right: 24, top: top + compositeH + gap, bottom: 24 }
        ],
        xAxis: [
          { gridIndex: 0, type: "value", min: 0, max: d.scale, splitLine: { lineStyle: { color: "#eef1f4" } } },
          { gridIndex: 1, type: "value", min: 0, max: 100, splitLine: { lineStyle: { color: "#eef1f4" } } }
        ],
        yAxis: [
          { gridIndex: 0, type: "category", data: names.slice(0, 1), axisLabel: Object.assign({ fontWeight: "bold" }, axisLabel) },
          { gridIndex: 1, type: "category", inverse: true, data: names.slice(1), axisLabel: axisLabel }
        ],
        series: series
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
