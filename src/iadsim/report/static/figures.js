/* Shared by the run and study reports: read the JSON element #report-data (every label in
 * it is already escaped), draw every figure it holds, and keep the data for the page's own
 * script as iadsimReportData. */
var iadsimReportData = (function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  Object.keys(data.figures).forEach(function (id) {
    var figure = data.figures[id];
    Plotly.newPlot(id, figure.data, figure.layout, data.config);
  });
  return data;
})();
