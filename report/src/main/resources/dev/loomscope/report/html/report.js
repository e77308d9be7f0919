/*
 * Loomscope report: draws the heatmaps and the GC/throttling timeline from the JSON embedded in #loomscope-data
 * (the dump's own heatmap rows). Cells go on a canvas; axes, labels, legends and the GC/throttling/shedding strips are
 * SVG on top of it, so their text is real text. Hover values are looked up in the rows. No network, no libraries.
 */
(function () {
  'use strict';
  var SVGNS = 'http://www.w3.org/2000/svg';
  var RAMP = ['#c7e9b4', '#a1dab4', '#7fcdbb', '#41b6c4', '#2c9fc4', '#1d91c0', '#225ea8', '#253494', '#081d58'];
  var EMPTY = '#eef0f3';
  var GC = '#d0452f';
  var THROTTLE = '#7b3fb0';
  var SHED = '#c27c0e';
  var STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 15000, 30000, 60000, 120000, 300000,
    600000, 900000, 1800000, 3600000, 7200000, 10800000, 21600000, 43200000, 86400000, 172800000, 604800000];
  var data;
  var tooltip = document.getElementById('tooltip');

  function fail(e) {
    var p = document.getElementById('render-error') || document.createElement('p');
    p.id = 'render-error';
    p.textContent = 'The charts could not be drawn: ' + e;
    var main = document.querySelector('main');
    main.insertBefore(p, main.firstChild);
    document.body.setAttribute('data-rendered', 'error');
  }

  // ---- formatting (the same rules as HtmlNumbers.java) ----
  function fmtCount(n) {
    return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }

  function sig3(v) {
    return String(parseFloat(Number(v).toPrecision(3)));
  }

  function fmtDuration(ns) {
    if (ns < 0) { return '-' + fmtDuration(-ns); }
    if (ns < 1000) { return Math.round(ns) + ' ns'; }
    if (ns < 59950000000) {
      var units = ['µs', 'ms', 's'];
      var v = ns / 1000;
      var u = 0;
      while (u < units.length - 1 && parseFloat(Number(v).toPrecision(3)) >= 1000) { v /= 1000; u++; }
      return sig3(v) + ' ' + units[u];
    }
    function pair(big, bu, small, su) { return small === 0 ? big + ' ' + bu : big + ' ' + bu + ' ' + small + ' ' + su; }
    var s = Math.round(ns / 1e9);
    if (s < 3600) { return pair(Math.floor(s / 60), 'min', s % 60, 's'); }
    var m = Math.round(ns / 6e10);
    if (m < 1440) { return pair(Math.floor(m / 60), 'h', m % 60, 'min'); }
    var h = Math.round(ns / 3.6e12);
    return pair(Math.floor(h / 24), 'd', h % 24, 'h');
  }

  function fmtTime(ms, step) {
    var iso = new Date(ms).toISOString(); // 2026-11-30T08:31:10.088Z
    if (step >= 86400000) { return iso.slice(5, 10); }
    if (step >= 60000) { return iso.slice(11, 16); }
    if (step >= 1000) { return iso.slice(11, 19); }
    var decimals = step % 100 === 0 ? 1 : (step % 10 === 0 ? 2 : 3);
    return iso.slice(11, 20 + decimals);
  }

  function fmtWindow(start, len) {
    if (start === null) { return 'before ' + fmtTime(len, 1) + ' UTC (older windows, merged)'; }
    return fmtTime(start, 1) + ' – ' + fmtTime(start + len, 1) + ' UTC (' + fmtDuration(len * 1e6) + ' window)';
  }

  // ---- colour ----
  function hex(c) { return [parseInt(c.slice(1, 3), 16), parseInt(c.slice(3, 5), 16), parseInt(c.slice(5, 7), 16)]; }
  var RAMP_RGB = RAMP.map(hex);

  function colour(t) {
    t = Math.max(0, Math.min(1, t));
    var x = t * (RAMP_RGB.length - 1);
    var i = Math.min(Math.floor(x), RAMP_RGB.length - 2);
    var f = x - i;
    var a = RAMP_RGB[i], b = RAMP_RGB[i + 1];
    return 'rgb(' + Math.round(a[0] + (b[0] - a[0]) * f) + ',' + Math.round(a[1] + (b[1] - a[1]) * f) + ','
      + Math.round(a[2] + (b[2] - a[2]) * f) + ')';
  }

  /** Count → position on the colour scale: log, 1 at the light end, the heatmap's maximum at the dark end. */
  function scale(max) {
    return function (n) { return max <= 1 ? 1 : Math.log(n) / Math.log(max); };
  }

  // ---- SVG helpers ----
  function el(name, attrs, parent, text) {
    var e = document.createElementNS(SVGNS, name);
    for (var k in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, k)) { e.setAttribute(k, attrs[k]); } }
    if (text !== undefined) { e.textContent = text; }
    if (parent) { parent.appendChild(e); }
    return e;
  }

  var measureCtx = document.createElement('canvas').getContext('2d');
  function textWidth(s) {
    measureCtx.font = '11.5px "DejaVu Sans", "Liberation Sans", Arial, sans-serif';
    return measureCtx.measureText(s).width;
  }

  // ---- the shared time axis ----
  function isEarlier(row) { return row.startEpochMs === null || row.startEpochMs === undefined || row.tier < 0; }

  /**
   * One time axis for every chart, so they line up. Rows of one tier have one length; tiers do not overlap and older
   * ones are coarser. Each tier gets a segment of the axis that is linear in time, one window = one unit, so the recent
   * full-resolution windows are not squeezed by hours of downsampled ones. The "earlier" row, if any, gets one unit.
   */
  function buildAxis() {
    var tiers = {};
    var earlierEnd = null;
    function add(rows) {
      rows.forEach(function (r) {
        if (isEarlier(r)) {
          earlierEnd = earlierEnd === null ? r.endEpochMs : Math.max(earlierEnd, r.endEpochMs);
          return;
        }
        var t = tiers[r.tier] || (tiers[r.tier] = { start: Infinity, end: -Infinity, len: r.lengthMs });
        t.start = Math.min(t.start, r.startEpochMs);
        t.end = Math.max(t.end, r.startEpochMs + r.lengthMs);
      });
    }
    Object.keys(data.heatmaps).forEach(function (k) { add(data.heatmaps[k]); });
    if (data.context) { add(data.context.windows); }
    var segs = Object.keys(tiers).map(function (k) { return tiers[k]; })
      .filter(function (s) { return s.len > 0; })
      .sort(function (a, b) { return a.start - b.start; });
    var win = data.axis.windowMs || 1000;
    var recStart = data.axis.startEpochMs, recEnd = data.axis.endEpochMs;
    if (!segs.length) {
      var s0 = Math.floor((recStart || 0) / win) * win;
      segs = [{ start: s0, end: Math.max(Math.ceil((recEnd || s0) / win) * win, s0 + win), len: win }];
    }
    if (recStart !== undefined && earlierEnd === null) {
      var first = segs[0];
      var a = Math.floor(recStart / first.len) * first.len;
      if (a < first.start) { first.start = a; }
    }
    if (recEnd !== undefined) {
      var last = segs[segs.length - 1];
      var b = Math.ceil(recEnd / last.len) * last.len;
      if (b > last.end) { last.end = b; }
    }
    for (var i = 1; i < segs.length; i++) {
      if (segs[i].start > segs[i - 1].end) { segs[i - 1].end = segs[i].start; }
      if (segs[i].start < segs[i - 1].end) { segs[i].start = segs[i - 1].end; }
    }
    var units = earlierEnd === null ? 0 : 1;
    segs.forEach(function (s) { s.u0 = units; s.units = Math.max(0, (s.end - s.start) / s.len); units += s.units; });
    return { segs: segs, earlier: earlierEnd === null ? null : { end: earlierEnd }, units: units };
  }

  function unitOf(axis, t) {
    var segs = axis.segs;
    if (t <= segs[0].start) { return segs[0].u0; }
    for (var i = 0; i < segs.length; i++) {
      var s = segs[i];
      if (t <= s.end || i === segs.length - 1) { return s.u0 + Math.min(s.units, (t - s.start) / s.len); }
    }
    return axis.units;
  }

  function rowUnits(axis, row) {
    if (isEarlier(row)) { return [0, 1]; }
    return [unitOf(axis, row.startEpochMs), unitOf(axis, row.startEpochMs + row.lengthMs)];
  }

  /** The window under unit u: [start, length] in epoch ms, or [null, end] for the earlier row. */
  function windowAt(axis, u) {
    if (axis.earlier && u < 1) { return { start: null, len: axis.earlier.end }; }
    for (var i = 0; i < axis.segs.length; i++) {
      var s = axis.segs[i];
      if (u < s.u0 + s.units || i === axis.segs.length - 1) {
        var k = Math.max(0, Math.min(Math.ceil(s.units) - 1, Math.floor(u - s.u0)));
        return { start: s.start + k * s.len, len: s.len };
      }
    }
    return null;
  }

  // ---- layout shared by all charts ----
  var STRIP = 11, STRIP_GAP = 4;
  /** Height of a labelled row of an activity map (11.5 px text). */
  var LABEL_H = 13;

  function leftMargin() {
    var labels = ['other threads', 'GC pause', 'throttled', 'threads shed', 'queued tasks', 'pool size', '100 ms'];
    data.carriers.forEach(function (c) { labels.push(c[1]); });
    var w = 0;
    labels.forEach(function (s) { w = Math.max(w, textWidth(s)); });
    return Math.ceil(Math.min(260, Math.max(70, w + 12))) + 18; // 18: the rotated axis title
  }

  function drawTimeAxis(svg, axis, L, plotW, y, pxPerUnit) {
    el('line', { x1: L, x2: L + plotW, y1: y, y2: y, stroke: '#8a93a3' }, svg);
    var placed = [];
    function free(x, w) {
      for (var i = 0; i < placed.length; i++) { if (Math.abs(placed[i] - x) < w) { return false; } }
      return true;
    }
    var many = axis.segs.length + (axis.earlier ? 1 : 0) > 1;
    if (axis.earlier) {
      var ex = L + 0.5 * pxPerUnit;
      el('text', { x: ex, y: y + 16, 'text-anchor': 'middle' }, svg, 'earlier');
      placed.push(ex);
    }
    axis.segs.forEach(function (s, si) {
      var pxPerMs = pxPerUnit / s.len;
      var label = 0;
      var step = STEPS[STEPS.length - 1];
      for (var i = 0; i < STEPS.length; i++) {
        if (STEPS[i] >= s.len && STEPS[i] * pxPerMs >= (STEPS[i] < 1000 ? 96 : 78)) { step = STEPS[i]; break; }
      }
      var x0 = L + s.u0 * pxPerUnit;
      if (si > 0 || axis.earlier) {
        el('line', { x1: x0, x2: x0, y1: 0, y2: y + 4, stroke: '#1d2330', 'stroke-dasharray': '3,3' }, svg);
      }
      for (var t = Math.ceil(s.start / step) * step; t <= s.end; t += step) {
        var x = L + unitOf(axis, t) * pxPerUnit;
        if (t === s.end && si < axis.segs.length - 1) { continue; }
        el('line', { x1: x, x2: x, y1: y, y2: y + 4, stroke: '#8a93a3' }, svg);
        var text = fmtTime(t, step);
        var w = textWidth(text) + 12;
        if (free(x, w) && x + w / 2 - 6 <= L + plotW + 32) {
          el('text', { x: x, y: y + 16, 'text-anchor': 'middle' }, svg, text);
          placed.push(x);
          label++;
        }
      }
      if (many) {
        el('text', { x: x0 + s.units * pxPerUnit / 2, y: y + 31, 'text-anchor': 'middle', 'class': 'axis-title' }, svg,
          fmtDuration(s.len * 1e6) + ' windows');
      }
    });
    el('text', { x: 4, y: y + 16, 'class': 'axis-title' }, svg, 'time (UTC)');
    return many ? 36 : 22;
  }

  /** GC and throttling strips under a plot, and the windows in which threads were shed; returns their height. */
  function drawStrips(svg, axis, L, plotW, y, pxPerUnit) {
    var shedH = 0;
    if (data.shedding) {
      shedH = drawShedStrip(svg, axis, L, plotW, y, pxPerUnit);
      y += shedH;
    }
    if (!data.context || !data.context.windows.length) { return shedH; }
    var cols = data.context.columns;
    var series = [
      { label: 'GC pause', colour: GC, count: cols.indexOf('gcPauses'), time: cols.indexOf('gcPauseUs'), what: 'GC' },
      { label: 'throttled', colour: THROTTLE, count: cols.indexOf('throttledPeriods'), time: cols.indexOf('throttledUs'),
        what: 'CPU throttled' }
    ];
    series.forEach(function (s, i) {
      var sy = y + STRIP_GAP + i * (STRIP + 3);
      el('rect', { x: L, y: sy, width: plotW, height: STRIP, fill: '#f3f4f6' }, svg);
      var available = i === 0 || data.context.throttlingAvailable;
      el('text', { x: L - 6, y: sy + STRIP - 2, 'text-anchor': 'end', 'class': available ? '' : 'axis-title' }, svg,
        available ? s.label : 'throttled n/a');
      data.context.windows.forEach(function (row) {
        var v = cellValue(row, s.time), n = cellValue(row, s.count);
        if (v <= 0 && n <= 0) { return; }
        var u = rowUnits(axis, row);
        var len = isEarlier(row) ? 0 : row.lengthMs;
        var frac = len > 0 ? v / 1000 / len : 1;
        var r = el('rect', {
          x: L + u[0] * pxPerUnit, y: sy, width: Math.max(2, (u[1] - u[0]) * pxPerUnit), height: STRIP,
          fill: s.colour, 'fill-opacity': (0.35 + 0.65 * Math.min(1, frac / 0.05)).toFixed(2)
        }, svg);
        el('title', {}, r, s.what + ': ' + fmtCount(n) + (s.what === 'GC' ? (n === 1 ? ' pause, ' : ' pauses, ')
          : (n === 1 ? ' period, ' : ' periods, ')) + fmtDuration(v * 1000) + ' in total, '
          + fmtWindow(isEarlier(row) ? null : row.startEpochMs, isEarlier(row) ? row.endEpochMs : row.lengthMs));
      });
    });
    return shedH + STRIP_GAP + 2 * STRIP + 3;
  }

  /**
   * The windows in which the recorder followed only some threads (recorder.shedding): their counts and latencies
   * describe those threads. Darker the more of the window was shed; the hover says how far (1 in N) and how long.
   */
  function drawShedStrip(svg, axis, L, plotW, y, pxPerUnit) {
    var sy = y + STRIP_GAP;
    el('rect', { x: L, y: sy, width: plotW, height: STRIP, fill: '#f3f4f6' }, svg);
    el('text', { x: L - 6, y: sy + STRIP - 2, 'text-anchor': 'end' }, svg, 'threads shed');
    data.shedding.windows.forEach(function (row) {
      var us = 0, top = 0;
      row.cells.forEach(function (c) { us += c[1]; top = Math.max(top, c[0]); });
      if (us <= 0) { return; }
      var u = rowUnits(axis, row);
      var len = isEarlier(row) ? 0 : row.lengthMs;
      var frac = len > 0 ? us / 1000 / len : 1;
      var r = el('rect', {
        x: L + u[0] * pxPerUnit, y: sy, width: Math.max(2, (u[1] - u[0]) * pxPerUnit), height: STRIP,
        fill: SHED, 'fill-opacity': (0.35 + 0.65 * Math.min(1, frac)).toFixed(2)
      }, svg);
      el('title', {}, r, 'threads shed for ' + fmtDuration(us * 1000) + ', following at most 1 in '
        + fmtCount(data.shedding.threadSample * Math.pow(2, top)) + (top >= 25 ? ' (none)' : '') + ' of the threads, '
        + fmtWindow(isEarlier(row) ? null : row.startEpochMs, isEarlier(row) ? row.endEpochMs : row.lengthMs)
        + ': counts and latencies there describe the threads followed');
    });
    return STRIP_GAP + STRIP + 3;
  }

  function cellValue(row, column) {
    if (column < 0) { return 0; }
    for (var i = 0; i < row.cells.length; i++) { if (row.cells[i][0] === column) { return row.cells[i][1]; } }
    return 0;
  }

  function makeSvg(plot, width, height) {
    plot.style.height = height + 'px';
    return el('svg', { width: width, height: height, viewBox: '0 0 ' + width + ' ' + height }, plot);
  }

  function makeCanvas(plot, x, y, w, h) {
    var c = document.createElement('canvas');
    var ratio = window.devicePixelRatio || 1;
    c.width = Math.max(1, Math.round(w * ratio));
    c.height = Math.max(1, Math.round(h * ratio));
    c.style.width = w + 'px';
    c.style.height = h + 'px';
    c.style.left = x + 'px';
    c.style.top = y + 'px';
    plot.appendChild(c);
    var ctx = c.getContext('2d');
    ctx.scale(ratio, ratio);
    return ctx;
  }

  // ---- heatmaps ----
  function activityColumns() {
    var cols = data.carriers.map(function (c) { return { column: c[0], label: c[1] }; })
      .sort(function (a, b) { return a.column - b.column; });
    var known = {};
    cols.forEach(function (c) { known[c.column] = true; });
    var other = false;
    var extra = {};
    Object.keys(data.heatmaps).forEach(function (k) {
      if (k.indexOf('activity.') !== 0) { return; }
      data.heatmaps[k].forEach(function (row) {
        row.cells.forEach(function (cell) {
          if (cell[0] === 0) { other = true; } else if (!known[cell[0]]) { extra[cell[0]] = true; }
        });
      });
    });
    Object.keys(extra).map(Number).sort(function (a, b) { return a - b; }).forEach(function (c) {
      cols.push({ column: c, label: 'carrier column ' + c });
    });
    if (other) { cols.push({ column: 0, label: 'other threads' }); }
    return cols;
  }

  function drawLegend(fig, max, unit) {
    var holder = fig.querySelector('.legend');
    holder.innerHTML = '';
    var barW = 150, w = barW + 170;
    var svg = el('svg', { width: w, height: 30, viewBox: '0 0 ' + w + ' 30' }, holder);
    el('text', { x: 0, y: 12 }, svg, unit + ' per cell');
    var x0 = textWidth(unit + ' per cell') + 8;
    if (max <= 1) {
      el('rect', { x: x0, y: 3, width: 14, height: 10, fill: colour(1) }, svg);
      el('text', { x: x0 + 7, y: 27, 'text-anchor': 'middle' }, svg, '1');
      return;
    }
    var defs = el('defs', {}, svg);
    var gid = 'grad-' + fig.id;
    var g = el('linearGradient', { id: gid, x1: '0', x2: '1', y1: '0', y2: '0' }, defs);
    for (var i = 0; i <= 10; i++) { el('stop', { offset: (i / 10).toFixed(1), 'stop-color': colour(i / 10) }, g); }
    el('rect', { x: x0, y: 3, width: barW, height: 10, fill: 'url(#' + gid + ')', stroke: '#aab1bd', 'stroke-width': 0.5 }, svg);
    var t = scale(max);
    var ticks = [1];
    for (var v = 10; v < max; v *= 10) { ticks.push(v); }
    var maxX = x0 + barW;
    var lastX = -100;
    ticks.forEach(function (v) {
      var x = x0 + t(v) * barW;
      if (x - lastX < 26 || maxX - x < 8 + textWidth(fmtCount(max)) / 2 + textWidth(fmtCount(v)) / 2) { return; }
      el('line', { x1: x, x2: x, y1: 13, y2: 16, stroke: '#5d6675' }, svg);
      el('text', { x: x, y: 27, 'text-anchor': 'middle' }, svg, fmtCount(v));
      lastX = x;
    });
    el('line', { x1: maxX, x2: maxX, y1: 13, y2: 16, stroke: '#5d6675' }, svg);
    el('text', { x: maxX, y: 27, 'text-anchor': 'middle' }, svg, fmtCount(max));
    var used = Math.ceil(maxX + textWidth(fmtCount(max)) / 2 + 2);
    svg.setAttribute('width', used);
    svg.setAttribute('viewBox', '0 0 ' + used + ' 30');
  }

  function drawHeatmap(fig, axis, L) {
    var key = fig.getAttribute('data-heatmap');
    var rows = data.heatmaps[key] || [];
    var latency = key.indexOf('latency.') === 0;
    var unit = fig.getAttribute('data-unit') || 'events';
    var plot = fig.querySelector('.plot');
    plot.innerHTML = '';
    var width = Math.max(320, plot.clientWidth);
    var R = 34, T = 4;
    var plotW = width - L - R;
    var pxPerUnit = plotW / Math.max(axis.units, 1e-9);

    var max = 0, total = 0, cellsDrawn = 0;
    var lo = Infinity, hi = -Infinity;
    rows.forEach(function (row) {
      row.cells.forEach(function (c) {
        max = Math.max(max, c[1]);
        if (c[1] > 0) { lo = Math.min(lo, c[0]); hi = Math.max(hi, c[0]); }
      });
    });

    // y: rows of the plot
    var yIndex, nY, rowH, yLabel;
    if (latency) {
      var count = data.bucketLabels.length;
      lo = Math.max(0, lo - 2);
      hi = Math.min(count - 1, hi + 2);
      while (hi - lo + 1 < 16) { if (lo > 0) { lo--; } if (hi - lo + 1 < 16 && hi < count - 1) { hi++; } if (lo === 0 && hi === count - 1) { break; } }
      nY = hi - lo + 1;
      rowH = Math.min(10, 220 / nY);
      yIndex = function (bucket) { return bucket < lo || bucket > hi ? -1 : hi - bucket; };
      yLabel = function (i) { return data.bucketLabels[hi - i]; };
    } else {
      var cols = activityColumns();
      var pos = {};
      cols.forEach(function (c, i) { pos[c.column] = i; });
      nY = cols.length;
      // Every row is labelled, so a row is at least a label high: many carriers make a taller map, never unnamed rows.
      rowH = Math.max(LABEL_H, Math.min(26, Math.floor(220 / Math.max(1, nY))));
      yIndex = function (column) { return pos[column] === undefined ? -1 : pos[column]; };
      yLabel = function (i) { return cols[i].label; };
    }
    var H = Math.round(nY * rowH);
    var t = scale(max);

    var ctx = makeCanvas(plot, L, T, plotW, H);
    ctx.fillStyle = EMPTY;
    ctx.fillRect(0, 0, plotW, H);
    var index = {};
    rows.forEach(function (row) {
      var u = rowUnits(axis, row);
      var x = u[0] * pxPerUnit, w = Math.max(1, (u[1] - u[0]) * pxPerUnit);
      var gapX = w >= 6 ? 1 : 0;
      var gapY = !latency && rowH >= 10 ? 1 : 0;
      index[isEarlier(row) ? 'earlier' : row.startEpochMs + '/' + row.lengthMs] = row;
      row.cells.forEach(function (c) {
        var i = yIndex(c[0]);
        if (i < 0 || c[1] <= 0) { return; }
        ctx.fillStyle = colour(t(c[1]));
        ctx.fillRect(x, i * rowH, w - gapX, rowH - gapY + (latency ? 0.5 : 0));
        cellsDrawn++;
        total += c[1];
      });
    });

    var stripsY = T + H;
    var height0 = stripsY + 60;
    var svg = makeSvg(plot, width, height0);
    el('rect', { x: L, y: T, width: plotW, height: H, fill: 'none', stroke: '#aab1bd' }, svg);

    // y axis
    if (latency) {
      var chosen = [];
      var ticks = data.latencyTicks.slice().sort(function (a, b) { return a[2] - b[2] || a[0] - b[0]; });
      ticks.forEach(function (tk) {
        if (tk[0] < lo || tk[0] > hi + 1) { return; }
        var y = T + (hi + 1 - tk[0]) * rowH;
        var room = tk[2] <= 1 ? 14 : 22; // decades need less room than the 2s and 5s between them
        for (var i = 0; i < chosen.length; i++) { if (Math.abs(chosen[i] - y) < room) { return; } }
        chosen.push(y);
        el('line', { x1: L - 4, x2: L, y1: y, y2: y, stroke: '#5d6675' }, svg);
        el('line', { x1: L, x2: L + plotW, y1: y, y2: y, stroke: '#ffffff', 'stroke-opacity': 0.55, 'stroke-width': 0.7 }, svg);
        el('text', { x: L - 6, y: y + 4, 'text-anchor': 'end' }, svg, tk[1]);
      });
      el('text', { x: 12, y: T + H / 2, 'text-anchor': 'middle', 'class': 'axis-title',
        transform: 'rotate(-90 12 ' + (T + H / 2) + ')' }, svg, 'latency');
    } else {
      for (var i = 0; i < nY; i++) {
        el('text', { x: L - 6, y: T + i * rowH + rowH / 2 + 4, 'text-anchor': 'end' }, svg, yLabel(i));
      }
      if (H >= 40) {
        el('text', { x: 12, y: T + H / 2, 'text-anchor': 'middle', 'class': 'axis-title',
          transform: 'rotate(-90 12 ' + (T + H / 2) + ')' }, svg, 'carrier');
      }
    }

    var stripH = drawStrips(svg, axis, L, plotW, stripsY, pxPerUnit);
    var axisH = drawTimeAxis(svg, axis, L, plotW, stripsY + stripH + 2, pxPerUnit);
    var height = stripsY + stripH + 2 + axisH + 4;
    plot.style.height = height + 'px';
    svg.setAttribute('height', height);
    svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);

    // hover
    var hl = el('rect', { x: 0, y: 0, width: 0, height: 0, fill: 'none', stroke: '#000', 'stroke-width': 1.5,
      visibility: 'hidden' }, svg);
    var catcher = el('rect', { x: L, y: T, width: plotW, height: H, fill: 'transparent' }, svg);
    catcher.addEventListener('mousemove', function (e) {
      var box = svg.getBoundingClientRect();
      var px = e.clientX - box.left - L, py = e.clientY - box.top - T;
      var w = windowAt(axis, px / pxPerUnit);
      var i = Math.floor(py / rowH);
      if (!w || i < 0 || i >= nY) { hide(); return; }
      var row = index[w.start === null ? 'earlier' : w.start + '/' + w.len];
      var column = latency ? hi - i : null;
      if (!latency) {
        for (var c in pos) { if (pos[c] === i) { column = Number(c); } }
      }
      var n = row ? cellValue(row, column) : 0;
      var u = w.start === null ? [0, 1] : [unitOf(axis, w.start), unitOf(axis, w.start + w.len)];
      hl.setAttribute('x', L + u[0] * pxPerUnit);
      hl.setAttribute('y', T + i * rowH);
      hl.setAttribute('width', Math.max(1, (u[1] - u[0]) * pxPerUnit));
      hl.setAttribute('height', rowH);
      hl.setAttribute('visibility', 'visible');
      show(e, '<b>' + fmtCount(n) + ' ' + esc(unit) + '</b><br>' + esc(latency ? 'latency ' + yLabel(i) : yLabel(i))
        + '<br>' + esc(fmtWindow(w.start, w.len)));
    });
    catcher.addEventListener('mouseleave', function () { hl.setAttribute('visibility', 'hidden'); hide(); });

    drawLegend(fig, max, unit);
    fig.setAttribute('data-drawn-cells', cellsDrawn);
    fig.setAttribute('data-drawn-total', total);
  }

  // ---- the context timeline ----
  function drawTimeline(fig, axis, L) {
    var plot = fig.querySelector('.plot');
    plot.innerHTML = '';
    var width = Math.max(320, plot.clientWidth);
    var R = 34, T = 4, BAND = 40, GAP = 8;
    var plotW = width - L - R;
    var pxPerUnit = plotW / Math.max(axis.units, 1e-9);
    var cols = data.context.columns;
    var rows = data.context.windows;
    function col(name) { return cols.indexOf(name); }
    function per(row, name) {
      var samples = cellValue(row, col('schedulerSamples'));
      return samples > 0 ? cellValue(row, col(name)) / samples : 0;
    }
    var series = [
      { label: 'GC pause', colour: GC, value: function (r) { return cellValue(r, col('gcPauseUs')) * 1000; },
        fmt: fmtDuration, none: 'no GC pause' },
      { label: 'throttled', colour: THROTTLE, value: function (r) { return cellValue(r, col('throttledUs')) * 1000; },
        fmt: fmtDuration, none: data.context.throttlingAvailable ? 'never throttled' : 'throttling not known (no cgroup cpu.stat)' },
      { label: 'queued tasks', colour: '#1d6fa5', value: function (r) { return per(r, 'queuedSum'); },
        fmt: function (v) { return sig3(v); }, none: 'nothing queued when sampled' },
      { label: 'pool size', colour: '#2f7d4f', value: function (r) { return per(r, 'poolSizeSum'); },
        fmt: function (v) { return sig3(v); }, none: 'no scheduler samples' }
    ];
    var height0 = T + series.length * (BAND + GAP) + 60;
    var svg = makeSvg(plot, width, height0);
    series.forEach(function (s, i) {
      var y0 = T + i * (BAND + GAP);
      var max = 0;
      rows.forEach(function (r) { max = Math.max(max, s.value(r)); });
      el('rect', { x: L, y: y0, width: plotW, height: BAND, fill: '#f6f7f9', stroke: '#d9dde4' }, svg);
      el('text', { x: L - 6, y: y0 + 14, 'text-anchor': 'end' }, svg, s.label);
      el('text', { x: L - 6, y: y0 + 28, 'text-anchor': 'end', 'class': 'axis-title' }, svg,
        max > 0 ? 'max ' + s.fmt(max) : '');
      if (max <= 0) {
        el('text', { x: L + 8, y: y0 + BAND / 2 + 4, 'class': 'axis-title' }, svg, s.none);
        return;
      }
      rows.forEach(function (r) {
        var v = s.value(r);
        if (v <= 0) { return; }
        var u = rowUnits(axis, r);
        var h = Math.max(1.5, (BAND - 4) * v / max);
        var bar = el('rect', { x: L + u[0] * pxPerUnit + (pxPerUnit >= 6 ? 0.5 : 0), y: y0 + BAND - h,
          width: Math.max(1.5, (u[1] - u[0]) * pxPerUnit - (pxPerUnit >= 6 ? 1 : 0)), height: h, fill: s.colour,
          'fill-opacity': 0.85 }, svg);
        el('title', {}, bar, s.label + ': ' + s.fmt(v) + ', '
          + fmtWindow(isEarlier(r) ? null : r.startEpochMs, isEarlier(r) ? r.endEpochMs : r.lengthMs));
      });
    });
    var axisY = T + series.length * (BAND + GAP) - GAP + 2;
    var axisH = drawTimeAxis(svg, axis, L, plotW, axisY, pxPerUnit);
    var height = axisY + axisH + 4;
    plot.style.height = height + 'px';
    svg.setAttribute('height', height);
    svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
  }

  // ---- tooltip ----
  function esc(s) {
    return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }

  function show(e, content) {
    tooltip.innerHTML = content;
    tooltip.hidden = false;
    var x = e.clientX + 14, y = e.clientY + 14;
    var w = tooltip.offsetWidth, h = tooltip.offsetHeight;
    if (x + w > window.innerWidth - 4) { x = e.clientX - w - 14; }
    if (y + h > window.innerHeight - 4) { y = e.clientY - h - 14; }
    tooltip.style.left = x + 'px';
    tooltip.style.top = y + 'px';
  }

  function hide() { tooltip.hidden = true; }

  // ---- main ----
  function renderAll() {
    var axis = buildAxis();
    var L = leftMargin();
    document.querySelectorAll('figure[data-heatmap]').forEach(function (fig) { drawHeatmap(fig, axis, L); });
    var timeline = document.getElementById('context-timeline');
    if (timeline && data.context) { drawTimeline(timeline, axis, L); }
  }

  try {
    data = JSON.parse(document.getElementById('loomscope-data').textContent);
    renderAll();
    document.body.setAttribute('data-rendered', 'ok');
  } catch (e) {
    fail(e && e.stack ? e.stack.split('\n')[0] : e);
    return;
  }
  var pending = null;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(function () { try { renderAll(); } catch (e) { fail(e); } }, 150);
  });
})();
