/* The study report's behaviour: draw every figure from the JSON element #report-data
 * (every label in it is already escaped). */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  Object.keys(data.figures).forEach(function (id) {
    var figure = data.figures[id];
    Plotly.newPlot(id, figure.data, figure.layout, data.config);
  });
})();
