import { dashboardBasics } from "./dashboardScript.ts"
import { dashboardViews } from "./dashboardViews.ts"
import { dashboardWatch } from "./dashboardWatch.ts"

// The dashboard the daemon serves at GET /: one self-contained page (no external resources), live
// through /api/events. Everything the server sends is put in with textContent (dashboardScript.ts).

const styles = `
:root { color-scheme: light dark; --bg: #f6f7f9; --card: #fff; --text: #1d232b; --muted: #5d6875; --line: #dde2e8;
  --accent: #2f6fdf; --ok: #1f8a4c; --warn: #b46a00; --bad: #c0362c; --chip: #eef1f5; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #14171b; --card: #1c2026; --text: #e3e7ec; --muted: #9aa5b1; --line: #2e353e;
    --accent: #6ea0ff; --ok: #4cc47f; --warn: #e3a440; --bad: #ff776b; --chip: #262c34; }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--text); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header { position: sticky; top: 0; z-index: 2; background: var(--card); border-bottom: 1px solid var(--line); padding: 10px 0; }
.bar { max-width: 1100px; margin: 0 auto; padding: 0 16px; }
.top { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 12px; }
h1 { font-size: 18px; margin: 0; font-weight: 650; }
h2 { font-size: 16px; margin: 0 0 10px; font-weight: 620; display: flex; align-items: baseline; gap: 8px; flex-wrap: wrap; }
h2 .sub { font-size: 13px; color: var(--muted); font-weight: 400; }
main { max-width: 1100px; margin: 0 auto; padding: 14px 16px 40px; display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 14px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px; min-width: 0; }
section.wide { grid-column: 1 / -1; }
#live { font-size: 13px; color: var(--muted); display: inline-flex; align-items: center; gap: 6px; }
#live::before { content: ""; width: 9px; height: 9px; border-radius: 50%; background: var(--warn); }
#live.on::before { background: var(--ok); }
#mode { font-size: 13px; color: var(--muted); }
#counts { display: flex; flex-wrap: wrap; gap: 6px; margin-left: auto; }
.chip { background: var(--chip); border-radius: 999px; padding: 2px 10px; font-size: 13px; white-space: nowrap; }
.chip b { font-weight: 650; }
.chip.failed b { color: var(--bad); }
.chip.done b { color: var(--ok); }
.chip.running b { color: var(--accent); }
.banner { margin: 8px 0 0; padding: 8px 12px; border-radius: 8px; font-size: 14px; }
.banner.info { background: var(--chip); }
.banner.error { background: color-mix(in srgb, var(--bad) 15%, transparent); color: var(--bad); }
.banner.ok { background: color-mix(in srgb, var(--ok) 15%, transparent); color: var(--ok); }
[hidden] { display: none !important; }
ul.items { list-style: none; margin: 0; padding: 0; }
ul.items li { padding: 8px 0; border-top: 1px solid var(--line); overflow-wrap: anywhere; }
ul.items li:first-child { border-top: 0; padding-top: 0; }
.meta { color: var(--muted); font-size: 13px; font-weight: 400; }
.err { color: var(--bad); font-size: 13px; font-weight: 400; }
.empty { color: var(--muted); font-size: 14px; }
table { width: 100%; border-collapse: collapse; font-size: 14px; }
th { text-align: left; font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
th, td { padding: 7px 8px; border-top: 1px solid var(--line); vertical-align: top; }
td.first, td.err, td.state { overflow-wrap: anywhere; }
td.first { width: 36%; }
td.nowrap { white-space: nowrap; }
thead th { border-top: 0; }
td.actions { text-align: right; }
td.actions button { margin: 0 0 4px 4px; white-space: nowrap; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
button { font: inherit; font-size: 13px; padding: 4px 10px; border-radius: 6px; border: 1px solid var(--line); background: var(--chip); color: var(--text); cursor: pointer; }
button:hover:not(:disabled) { border-color: var(--accent); }
button:disabled { opacity: .5; cursor: default; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
input[type=search], input[type=password], textarea { font: inherit; font-size: 14px; color: var(--text); background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; max-width: 100%; }
input[type=search] { width: 260px; }
textarea { width: 100%; min-height: 90px; resize: vertical; }
.toolbar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 8px; }
.pager { display: flex; gap: 8px; align-items: center; justify-content: flex-end; margin-top: 8px; font-size: 13px; color: var(--muted); }
.state { font-weight: 600; }
.s-done, .s-succeeded, .s-added, .s-updated, .s-ok { color: var(--ok); }
.s-failed, .s-error { color: var(--bad); }
.s-waiting, .s-retryat, .s-paused, .s-degraded, .s-skipped { color: var(--warn); }
.s-running, .s-started { color: var(--accent); }
#add-results li.accepted::before { content: "✓ "; color: var(--ok); }
#add-results li.refused::before { content: "✗ "; color: var(--bad); }
pre { margin: 0; font-size: 12.5px; background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 10px; overflow: auto; max-height: 420px; white-space: pre-wrap; overflow-wrap: anywhere; }
#token-box { margin: 8px 0 0; display: flex; flex-wrap: wrap; gap: 8px; align-items: center; font-size: 14px; }
.history-kind { font-weight: 600; }
@media (max-width: 700px) {
  main { grid-template-columns: minmax(0, 1fr); padding: 10px 10px 30px; gap: 10px; }
  header { padding: 8px 0; position: static; }
  .bar { padding: 0 10px; }
  #counts { margin-left: 0; width: 100%; }
  input[type=search] { width: 100%; }
  table.cards thead { display: none; }
  table.cards, table.cards tbody, table.cards tr, table.cards td { display: block; width: 100%; }
  table.cards tr { border-top: 1px solid var(--line); padding: 8px 0; }
  table.cards tr:first-child { border-top: 0; }
  table.cards td { border: 0; padding: 2px 0; width: 100%; white-space: normal; }
  td.actions { text-align: left; }
  td.actions button { margin: 4px 4px 0 0; }
  table.cards td[data-label]:not(.first)::before { content: attr(data-label) ": "; color: var(--muted); font-size: 12px; }
  table.cards td.first { font-weight: 600; }
}
`

export const dashboardHtml: string = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
<title>automated-fanfic</title>
<style>${styles}</style>
</head>
<body>
<header>
<div class="bar">
  <div class="top">
    <h1>automated-fanfic</h1>
    <span id="live">connecting…</span>
    <span id="mode"></span>
    <div id="counts" aria-label="Job counts"></div>
  </div>
  <div id="readonly" class="banner info" hidden>Read-only: this is a <code>once</code> run, nothing can be changed from here.</div>
  <div id="services" class="banner error" hidden></div>
  <div id="notice" class="banner" role="status" aria-live="polite" hidden></div>
  <form id="token-box" hidden>
    <label for="token">This server needs its access token (web.token):</label>
    <input type="text" name="username" value="automated-fanfic" autocomplete="username" hidden>
    <input id="token" type="password" autocomplete="current-password">
    <button id="token-save" class="primary" type="submit">Save and retry</button>
  </form>
</div>
</header>
<main>
  <section id="running-section"><h2>Running</h2><ul id="running" class="items"></ul></section>
  <section id="waiting-section"><h2>Waiting <span class="sub">retries</span></h2><ul id="waiting" class="items"></ul></section>
  <section id="queued-section"><h2>Queued</h2><ul id="queued" class="items"></ul></section>
  <section id="add-section">
    <h2>Add stories <span class="sub">one URL per line</span></h2>
    <textarea id="add-urls" placeholder="https://www.fanfiction.net/s/…" spellcheck="false" autocapitalize="off"></textarea>
    <div class="toolbar" style="margin-top:8px">
      <button id="add-button" class="primary" type="button">Add</button>
      <label class="meta"><input id="add-force" type="checkbox"> download every chapter again</label>
    </div>
    <ul id="add-results" class="items"></ul>
  </section>
  <section class="wide" id="sites-section">
    <h2>Sites</h2>
    <table id="sites" class="cards"><thead><tr><th>Site</th><th>State</th><th>Paused until</th><th>Last error</th><th></th></tr></thead><tbody></tbody></table>
  </section>
  <section class="wide" id="watch-section">
    <h2>Watch sources <span class="sub">beside the mailbox</span></h2>
    <table id="watch" class="cards"><thead><tr><th>Source</th><th>Last run</th><th>Next run</th><th>Found</th><th>Error</th></tr></thead><tbody></tbody></table>
  </section>
  <section class="wide" id="stories-section">
    <h2>Stories <span class="sub" id="stories-total"></span></h2>
    <div class="toolbar"><input id="stories-search" type="search" placeholder="Search title, URL, site" aria-label="Search stories"></div>
    <table id="stories" class="cards"><thead><tr><th>Story</th><th>Site</th><th>Chapters</th><th>Last outcome</th><th>State</th><th></th></tr></thead><tbody></tbody></table>
    <div class="pager" id="stories-pager"></div>
  </section>
  <section class="wide" id="history-section">
    <h2>History <span class="sub" id="history-total"></span></h2>
    <div class="toolbar"><input id="history-search" type="search" placeholder="Search history" aria-label="Search history"></div>
    <ul id="history" class="items"></ul>
    <div class="pager" id="history-pager"></div>
  </section>
  <section class="wide" id="config-section">
    <h2>Configuration <span class="sub">read-only, secrets masked</span></h2>
    <pre id="config">loading…</pre>
  </section>
</main>
<script>${dashboardBasics}${dashboardWatch}${dashboardViews}</script>
</body>
</html>
`
