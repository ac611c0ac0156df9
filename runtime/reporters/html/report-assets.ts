/** The report page's inline style sheet and script (the page loads nothing else). */

export const REPORT_CSS = `
:root { --fg: #1d2330; --muted: #6b7385; --line: #d9dee8; --bg: #ffffff; --panel: #f6f8fb; --ok: #2e7d32; --bad: #c62828; --warn: #b26a00; --accent: #4e79a7; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header, main, footer { max-width: 1040px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 22px; }
h1 { font-size: 24px; margin: 0 0 4px; display: flex; align-items: center; gap: 12px; }
h2 { font-size: 18px; margin: 30px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 20px 0 6px; }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--panel); padding: 1px 4px; border-radius: 3px; }
.meta, .muted { color: var(--muted); }
.meta { margin: 0; }
.badge { font-size: 12px; font-weight: 600; padding: 2px 8px; border-radius: 10px; background: var(--panel); color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.badge.completed { background: #e6f4ea; color: var(--ok); }
.badge.failed { background: #fde7e7; color: var(--bad); }
.badge.interrupted, .badge.unfinished { background: #fff3e0; color: var(--warn); }
.error { color: var(--bad); }
.note { background: #fff8e6; border: 1px solid #f3d9a4; padding: 6px 10px; border-radius: 4px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 18px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; min-width: 180px; }
.card .k { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .v { font-size: 28px; font-weight: 650; }
.card .d { color: var(--muted); }
.card .m span { color: var(--muted); }
.card.best { border-color: #e8c547; background: #fffbea; }
.files { margin: 0; padding-left: 18px; }
.legend { list-style: none; padding: 0; margin: 6px 0; display: flex; flex-wrap: wrap; gap: 4px 16px; }
.legend li { cursor: default; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: baseline; }
.tabs { display: flex; gap: 4px; flex-wrap: wrap; margin-bottom: 4px; }
.tab { font: inherit; font-size: 12.5px; border: 1px solid var(--line); background: var(--bg); padding: 2px 10px; border-radius: 12px; cursor: pointer; color: var(--muted); }
.tab.on { background: var(--accent); color: #fff; border-color: var(--accent); }
.scroll { overflow-x: auto; }
.grid { display: flex; flex-wrap: wrap; gap: 8px; }
figure { margin: 0; }
svg { display: block; font: 11px system-ui, sans-serif; }
svg .axis line { stroke: #9aa3b2; }
svg .grid, svg line.grid { stroke: #eef1f5; }
svg .axis text { fill: var(--muted); }
svg .axis .label { fill: var(--fg); font-size: 12px; }
svg .empty { fill: var(--muted); font-size: 13px; }
svg.curves .trial path { stroke-width: 2; }
svg.curves .trial.best path { stroke-width: 3.5; }
svg.gantt .unit text { fill: #fff; font-size: 10.5px; pointer-events: none; }
svg.gantt .unit.bad text { fill: var(--bad); }
svg.gantt .lane { fill: var(--fg); font-weight: 600; }
svg.scatter circle { stroke: #fff; stroke-width: 1; }
svg.scatter circle.best { stroke: #1d2330; stroke-width: 1.5; }
svg.dag .node rect { fill: #fff; stroke: #9aa3b2; stroke-width: 1.2; }
svg.dag .node.ok rect { fill: #eef7f0; stroke: #5b9e68; }
svg.dag .node.failed rect { fill: #fdecec; stroke: var(--bad); }
svg.dag .node.running rect { fill: #fff6e5; stroke: var(--warn); }
svg.dag .node-id { font-size: 12.5px; font-weight: 600; fill: var(--fg); }
svg.dag .node-op { font-size: 11px; fill: var(--muted); }
svg.dag .edge { fill: none; stroke: #8a94a6; stroke-width: 1.3; }
svg.dag .edge-label { fill: var(--muted); font-size: 10.5px; }
.focusing .trial:not(.focus), .focusing tr:not(.focus) td[data-trial] { opacity: .18; }
table { border-collapse: collapse; margin: 4px 0; }
th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.inner { margin: 0; }
.nowrap { white-space: nowrap; }
.decision { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; margin: 8px 0 14px; }
.decision h4 { margin: 2px 0 4px; font-size: 14px; font-weight: 500; }
.decision p { margin: 4px 0 8px; }
table.alternatives td:last-child, table.inputs td:last-child { color: var(--muted); }
details summary { cursor: pointer; color: var(--accent); margin: 6px 0; }
td.muted { color: var(--muted); }
table.inner td, table.inner th { border: none; padding: 1px 8px 1px 0; }
.status { font-size: 12px; padding: 1px 6px; border-radius: 8px; background: var(--panel); }
.status.completed { color: var(--ok); }
.status.failed, .bad { color: var(--bad); }
.status.stopped_early, .status.running, .status.paused, .status.stopped { color: var(--warn); }
.log li.warn { color: var(--warn); }
.log li.error { color: var(--bad); }
footer { color: var(--muted); font-size: 12px; padding: 30px 20px 24px; }
`;

export const REPORT_JS = `
document.querySelectorAll('section.train').forEach(function (section) {
  section.querySelectorAll('.tab').forEach(function (tab) {
    tab.addEventListener('click', function () {
      section.querySelectorAll('.tab').forEach(function (t) { t.classList.toggle('on', t === tab); });
      section.querySelectorAll('.curve').forEach(function (c) { c.hidden = c.getAttribute('data-metric') !== tab.getAttribute('data-metric'); });
    });
  });
  // Pointing at a trial anywhere (legend, line, bar, dot, row) brings it forward in every chart.
  function focus(trial) {
    section.classList.toggle('focusing', trial !== null);
    section.querySelectorAll('[data-trial]').forEach(function (el) {
      var on = el.getAttribute('data-trial') === trial;
      el.classList.toggle('focus', on);
      if (el.tagName === 'TD' && el.parentElement) el.parentElement.classList.toggle('focus', on);
    });
  }
  section.addEventListener('mouseover', function (e) {
    var el = e.target.closest ? e.target.closest('[data-trial]') : null;
    focus(el ? el.getAttribute('data-trial') : null);
  });
  section.addEventListener('mouseleave', function () { focus(null); });
});
`;
