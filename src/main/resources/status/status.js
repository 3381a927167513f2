// The status page: reads /status/data with the admin token every 10 s and draws the table and two SVG charts.
// The token comes from the URL fragment (#token=..., never sent to the server) or the form, and lives only in
// this tab's sessionStorage.
(function () {
  'use strict';
  var KEY = 'shopify-sync-admin-token';
  var REFRESH_MS = 10000;
  var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf'];
  var SVG = 'http://www.w3.org/2000/svg';

  function tokenFromFragment() {
    var m = /(?:^#|&)token=([^&]*)/.exec(window.location.hash);
    if (m) {
      sessionStorage.setItem(KEY, decodeURIComponent(m[1]));
      // drop the fragment so the token stays out of the address bar and the history
      history.replaceState(null, '', window.location.pathname + window.location.search);
    }
  }

  function showLogin(message) {
    document.getElementById('status').hidden = true;
    document.getElementById('login').hidden = false;
    document.getElementById('login-error').textContent = message || '';
    document.getElementById('updated').textContent = 'needs the admin token';
  }

  function load() {
    var token = sessionStorage.getItem(KEY);
    if (!token) {
      showLogin('');
      return;
    }
    fetch('/status/data', { headers: { 'Authorization': 'Bearer ' + token }, cache: 'no-store', referrerPolicy: 'no-referrer' })
      .then(function (res) {
        if (res.status === 401) {
          sessionStorage.removeItem(KEY);
          showLogin('the admin token was refused');
          return null;
        }
        if (!res.ok) {
          throw new Error('HTTP ' + res.status);
        }
        return res.json();
      })
      .then(function (data) {
        if (data) {
          render(data);
        }
      })
      .catch(function (e) {
        document.getElementById('updated').textContent = 'could not load: ' + e.message;
      });
  }

  function duration(s) {
    if (s === null || s === undefined) return '-';
    s = Math.max(0, Math.floor(s));
    if (s < 120) return s + 's';
    if (s < 7200) return Math.floor(s / 60) + 'm';
    return Math.floor(s / 3600) + 'h' + Math.floor(s % 3600 / 60) + 'm';
  }

  function instant(t) {
    return t ? t.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-';
  }

  function cell(tr, text, cls) {
    var td = document.createElement('td');
    td.textContent = text === null || text === undefined || text === '' ? '-' : String(text);
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }

  function render(data) {
    document.getElementById('login').hidden = true;
    document.getElementById('status').hidden = false;
    document.getElementById('updated').textContent = 'as of ' + instant(data.generatedAt) + ', refreshed every 10 s';
    var body = document.querySelector('#resources tbody');
    while (body.firstChild) body.removeChild(body.firstChild);
    data.entries.forEach(function (e) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-shop', e.shop);
      tr.setAttribute('data-resource', e.resource || '');
      cell(tr, e.shop, 'shop');
      var status = cell(tr, e.shopStatus, e.shopStatus === 'INSTALLED' ? 'shop-status' : 'shop-status status-bad');
      if (e.shopStatusReason) {
        var reason = document.createElement('div');
        reason.className = 'reason';
        reason.textContent = e.shopStatusReason;
        status.appendChild(reason);
      }
      if (e.shopStatusDetail) {
        var detail = document.createElement('div');
        detail.className = 'reason status-detail';
        detail.textContent = e.shopStatusDetail;
        status.appendChild(detail);
      }
      cell(tr, e.resource, 'resource');
      var phase = cell(tr, e.phase || 'not started', 'phase phase-' + (e.phase || 'none'));
      if (e.pausedReason) {
        // the store refused this resource: it is paused alone until the permission is granted
        var paused = document.createElement('div');
        paused.className = 'reason paused';
        paused.textContent = 'paused: ' + e.pausedReason;
        phase.appendChild(paused);
      } else if (e.importMode && e.importMode.indexOf('(') >= 0) {
        var mode = document.createElement('div');
        mode.className = 'reason';
        mode.textContent = 'import ' + e.importMode;
        phase.appendChild(mode);
      }
      cell(tr, e.resource ? e.rows : '-', 'num rows');
      cell(tr, e.resource ? (e.phase === 'BACKFILL' && e.rowsTotal !== null ? e.rowsWritten + '/' + e.rowsTotal : e.rowsWritten) : '-',
        'num written');
      cell(tr, duration(e.lagSeconds), 'num lag');
      cell(tr, instant(e.lastSuccessAt), 'last-success');
      cell(tr, e.lastError, e.lastError ? 'error last-error' : 'last-error');
      body.appendChild(tr);
    });
    var access = document.querySelector('#access tbody');
    while (access.firstChild) access.removeChild(access.firstChild);
    (data.shops || []).forEach(function (s) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-shop', s.shop);
      cell(tr, s.shop, 'shop');
      cell(tr, s.accessScopes ? s.accessScopes.join(', ') : 'not read yet', 'scopes');
      cell(tr, instant(s.accessScopesCheckedAt), 'scopes-read-at');
      cell(tr, s.notes.join(' · '), s.notes.length ? 'error notes' : 'notes');
      access.appendChild(tr);
    });
    chart(document.getElementById('chart-rows'), data.history, 'rowsPerSecond', function (v) { return v.toFixed(v < 10 ? 1 : 0) + '/s'; });
    chart(document.getElementById('chart-lag'), data.history, 'lagSeconds', duration);
  }

  function el(name, attrs, text) {
    var n = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) { n.setAttribute(k, attrs[k]); });
    if (text !== undefined) n.textContent = text;
    return n;
  }

  // One line per resource over (up to) the last hour; x = time, y = the field, from 0 to the largest value.
  function chart(svg, history, field, label) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var W = 600, H = 200, left = 52, right = 135, top = 10, bottom = 24;
    // x spans the last hour, or less while fewer samples exist (at least one minute)
    var now = Date.now(), from = now - 60 * 1000, max = 0;
    history.forEach(function (s) {
      s.points.forEach(function (p) {
        if (p[field] !== null && p[field] > max) max = p[field];
        from = Math.min(from, Date.parse(p.at));
      });
    });
    from = Math.max(from, now - 3600 * 1000);
    if (max === 0) max = 1;
    var x = function (t) { return left + (W - left - right) * (t - from) / (now - from); };
    var y = function (v) { return H - bottom - (H - top - bottom) * v / max; };
    svg.appendChild(el('line', { 'class': 'axis', x1: left, y1: H - bottom, x2: W - right, y2: H - bottom }));
    svg.appendChild(el('line', { 'class': 'axis', x1: left, y1: top, x2: left, y2: H - bottom }));
    svg.appendChild(el('text', { x: left - 4, y: top + 8, 'text-anchor': 'end' }, label(max)));
    svg.appendChild(el('text', { x: left - 4, y: H - bottom, 'text-anchor': 'end' }, label(0)));
    svg.appendChild(el('text', { x: left, y: H - 6 }, '-' + Math.round((now - from) / 60000) + ' min'));
    svg.appendChild(el('text', { x: W - right, y: H - 6, 'text-anchor': 'end' }, 'now'));
    history.forEach(function (s, i) {
      var color = COLORS[i % COLORS.length];
      var pts = s.points.filter(function (p) { return p[field] !== null; }).map(function (p) {
        return x(Date.parse(p.at)).toFixed(1) + ',' + y(p[field]).toFixed(1);
      });
      if (pts.length === 1) pts.push(pts[0]);
      if (pts.length > 0) {
        svg.appendChild(el('polyline', { 'class': 'line', stroke: color, points: pts.join(' '), 'data-resource': s.resource }));
      }
      svg.appendChild(el('rect', { x: W - right + 10, y: top + i * 16, width: 10, height: 10, fill: color }));
      svg.appendChild(el('text', { x: W - right + 24, y: top + 9 + i * 16 }, s.resource));
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    tokenFromFragment();
    document.getElementById('login').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var input = document.getElementById('token');
      if (input.value.trim()) {
        sessionStorage.setItem(KEY, input.value.trim());
        input.value = '';
        load();
      }
    });
    load();
    setInterval(load, REFRESH_MS);
  });
}());
