/* The run report's behaviour after figures.js has drawn the figures: replay the run on the map.
 *
 * The replay moves two traces of the map (threats and interceptors in flight)
 * along their recorded paths, interpolating between samples, and marks in the
 * event log beside the map every event up to the current time. All data comes
 * from the JSON element #report-data, as figures.js read it (iadsimReportData).
 */
(function () {
  "use strict";
  var data = iadsimReportData;

  var replay = data.replay;
  var map = document.getElementById("map");
  var slider = document.getElementById("replay-time");
  var clock = document.getElementById("replay-clock");
  var playButton = document.getElementById("replay-play");
  var speed = document.getElementById("replay-speed");
  var log = document.getElementById("replay-log");
  var logRows = log.querySelectorAll("tbody tr");
  var logTimes = data.log_t;
  var rowsPast = 0;
  var current = 0;
  var playing = false;
  var lastFrameMs = null;

  function clockText(t) {
    var whole = Math.round(t), hours = Math.floor(whole / 3600);
    var minutes = Math.floor((whole % 3600) / 60), seconds = whole % 60;
    var mm = hours ? String(minutes).padStart(2, "0") : String(minutes);
    return (hours ? hours + ":" : "") + mm + ":" + String(seconds).padStart(2, "0");
  }

  /* How many of values[lo..hi) (sorted) are <= t. */
  function countUpTo(values, t, lo, hi) {
    var start = lo;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (values[mid] <= t) { lo = mid + 1; } else { hi = mid; }
    }
    return lo - start;
  }

  /* Where each entity of a path set is at time t, for those in flight then. */
  function positionsAt(set, t) {
    var out = { x: [], y: [], text: [], colour: [] };
    for (var i = 0; i + 1 < set.offsets.length; i++) {
      var first = set.offsets[i], last = set.offsets[i + 1] - 1;
      if (last < first || t < set.t[first] || t > set.t[last]) { continue; }
      var k = first + countUpTo(set.t, t, first, last + 1) - 1;
      var x = set.x[k], y = set.y[k];
      if (x === null || y === null) { continue; }
      if (k < last && set.t[k + 1] > set.t[k] && set.x[k + 1] !== null) {
        var f = (t - set.t[k]) / (set.t[k + 1] - set.t[k]);
        x += f * (set.x[k + 1] - x);
        y += f * (set.y[k + 1] - y);
      }
      out.x.push(x);
      out.y.push(y);
      out.text.push(set.label[i]);
      out.colour.push(set.colour[i]);
    }
    return out;
  }

  function showLog(t) {
    var past = countUpTo(logTimes, t, 0, logTimes.length);
    for (var i = Math.min(past, rowsPast); i < Math.max(past, rowsPast); i++) {
      logRows[i].classList.toggle("past", i < past);
    }
    if (rowsPast > 0 && rowsPast <= logRows.length) { logRows[rowsPast - 1].classList.remove("now"); }
    rowsPast = past;
    if (past > 0 && past <= logRows.length) {
      var row = logRows[past - 1];
      row.classList.add("now");
      log.scrollTop = Math.max(0, row.offsetTop - log.clientHeight / 2);
    } else {
      log.scrollTop = 0;
    }
  }

  function showTime(t) {
    current = t;
    var threats = positionsAt(replay.threats, t);
    var missiles = positionsAt(replay.interceptors, t);
    Plotly.restyle(map, {
      x: [threats.x, missiles.x], y: [threats.y, missiles.y], text: [threats.text, missiles.text],
      "marker.color": [threats.colour, missiles.colour]
    }, [replay.traces.threats, replay.traces.interceptors]);
    clock.value = clockText(t);
    showLog(t);
  }

  function frame(nowMs) {
    if (!playing) { return; }
    if (lastFrameMs !== null) {
      var t = Math.min(current + (nowMs - lastFrameMs) / 1000 * Number(speed.value), replay.end_s);
      slider.value = String(t);
      showTime(t);
      if (t >= replay.end_s) { setPlaying(false); return; }
    }
    lastFrameMs = nowMs;
    window.requestAnimationFrame(frame);
  }

  function setPlaying(on) {
    playing = on;
    lastFrameMs = null;
    playButton.textContent = on ? "❚❚ Pause" : "▶ Play";
    if (on) {
      if (current >= replay.end_s) { showTime(0); }
      window.requestAnimationFrame(frame);
    }
  }

  playButton.addEventListener("click", function () { setPlaying(!playing); });
  slider.addEventListener("input", function () { showTime(Number(slider.value)); });
  showTime(0);
})();
