// @ts-check
// The dashboard's status: counts, running, waiting, queued, sites, and the watch sources.
"use strict";

/** @typedef {Status["running"][number] | Status["waiting"][number] | Status["queued"][number]} OpenJob */

async function loadStatus() {
  var mine = ++seq.status;
  /** @type {Status | null} */
  var data = await getJson("/api/status");
  if (!data || mine !== seq.status) return;
  if (typeof data.now === "number") view.clockOffset = data.now - Date.now();
  view.readOnly = !!data.readOnly;
  $("readonly").hidden = !view.readOnly;
  typed("add-button", HTMLButtonElement).disabled = view.readOnly;
  document.querySelectorAll("button.act").forEach(function (b) { if (b instanceof HTMLButtonElement) b.disabled = view.readOnly || b.hasAttribute("data-never"); });
  $("mode").textContent = (data.mode || "") + (view.readOnly ? " · read-only" : "");
  var troubled = (data.services || []).filter(function (s) { return s.state !== "up"; });
  $("services").hidden = troubled.length === 0;
  $("services").textContent = troubled.map(function (s) { return s.name + ": " + s.state + (s.lastError ? " (" + s.lastError + ")" : ""); }).join("; ");
  renderCounts(data.counts || {});
  renderJobs($("running"), data.running || [], "Nothing is downloading.", function (job, meta) {
    var span = el("span", "", duration(job.elapsedMs || 0));
    span.setAttribute("data-elapsed", String(job.elapsedMs || 0));
    span.setAttribute("data-since", String(Date.now()));
    meta.appendChild(document.createTextNode(" · running for "));
    meta.appendChild(span);
  });
  renderJobs($("waiting"), data.waiting || [], "No retries waiting.", function (job, meta, li) {
    meta.appendChild(document.createTextNode(" · attempt " + (job.attempts || 0) + " · next "));
    meta.appendChild(typeof job.nextAttemptAt === "number" ? timeNode(job.nextAttemptAt) : document.createTextNode("—"));
    if (job.lastError) li.setAttribute("data-error", job.lastError);
  });
  renderJobs($("queued"), data.queued || [], "The queue is empty.", function () {});
  renderSites(data.sites || []);
}
/** @param {Partial<Status["counts"]>} counts */
function renderCounts(counts) {
  var box = $("counts");
  clear(box);
  /** @type {ReadonlyArray<keyof Status["counts"]>} */
  var names = ["queued", "running", "waiting", "done", "failed", "skipped"];
  names.forEach(function (name) {
    if (name === "skipped" && !counts.skipped) return;
    var chip = el("span", "chip " + name);
    chip.setAttribute("data-count", name);
    chip.appendChild(el("b", "", counts[name] || 0));
    chip.appendChild(document.createTextNode(" " + name));
    box.appendChild(chip);
  });
}
/**
 * @template {OpenJob} J
 * @param {HTMLElement} list @param {ReadonlyArray<J>} jobs @param {string} emptyText
 * @param {(job: J, meta: HTMLDivElement, li: HTMLLIElement) => void} extra
 */
function renderJobs(list, jobs, emptyText, extra) {
  clear(list);
  if (jobs.length === 0) { list.appendChild(el("li", "empty", emptyText)); return; }
  jobs.forEach(function (job) {
    var li = el("li");
    li.setAttribute("data-key", job.storyKey || "");
    li.appendChild(safeLink(job.url, job.title || job.url));
    var meta = el("div", "meta", job.site || "");
    extra(job, meta, li);
    li.appendChild(meta);
    if (li.hasAttribute("data-error")) li.appendChild(el("div", "err", li.getAttribute("data-error")));
    list.appendChild(li);
  });
}
/** @param {Status["sites"]} sites */
function renderSites(sites) {
  var body = tableBody("sites");
  clear(body);
  if (sites.length === 0) { emptyRow(body, 5, "No site has been used yet."); return; }
  sites.forEach(function (site) {
    var tr = el("tr");
    tr.setAttribute("data-site", site.site);
    cell(tr, "Site", site.site, "first nowrap");
    cell(tr, "State", site.state, "state " + (site.paused ? "s-paused" : stateClass(site.state)));
    var until = cell(tr, "Paused until", typeof site.openUntil === "number" ? "" : "—");
    if (typeof site.openUntil === "number") { until.appendChild(el("span", "", clock(site.openUntil) + " (")); until.appendChild(timeNode(site.openUntil)); until.appendChild(document.createTextNode(")")); }
    cell(tr, "Last error", site.lastError || "—", site.lastError ? "err" : "");
    var actions = cell(tr, "", "", "actions");
    actions.removeAttribute("data-label");
    if (site.paused) actions.appendChild(button("Resume", function () { post("/api/sites/" + encodeURIComponent(site.site) + "/resume", {}); }));
    body.appendChild(tr);
  });
}

// The watch sources beside the mailbox: import, sweep, list:URL, feed:URL.
async function loadWatch() {
  /** @type {{ sources: ReadonlyArray<Source> } | null} */
  var data = await getJson("/api/watch");
  if (!data) return;
  var body = tableBody("watch");
  clear(body);
  if (data.sources.length === 0) { emptyRow(body, 5, "No watch source has run: see [watch] in the configuration."); return; }
  data.sources.forEach(function (source) {
    var row = el("tr");
    cell(row, "Source", source.source, "first");
    var last = cell(row, "Last run", typeof source.lastRunAt === "number" ? "" : "—");
    if (typeof source.lastRunAt === "number") last.appendChild(timeNode(source.lastRunAt));
    var next = cell(row, "Next run", typeof source.nextRunAt === "number" ? "" : "—");
    if (typeof source.nextRunAt === "number") next.appendChild(timeNode(source.nextRunAt));
    cell(row, "Found", source.found);
    cell(row, "Error", source.error || "—", source.error ? "err" : "");
    body.appendChild(row);
  });
}
