// @ts-check
// The dashboard's stories table, paginated and searchable, and the box that adds stories.
"use strict";

async function loadStories() {
  var mine = ++seq.stories;
  var q = "/api/stories?search=" + encodeURIComponent(view.storiesSearch) + "&page=" + view.storiesPage + "&pageSize=" + PAGE_SIZE;
  /** @type {Page<Story> | null} */
  var data = await getJson(q);
  if (!data || mine !== seq.stories) return;
  var body = tableBody("stories");
  clear(body);
  var items = data.items || [];
  $("stories-total").textContent = (data.total || 0) + (data.total === 1 ? " story" : " stories");
  if (items.length === 0) emptyRow(body, 6, view.storiesSearch ? "No story matches." : "No stories yet: add some below or wait for an alert.");
  items.forEach(function (story) {
    var job = story.job;
    var tr = el("tr");
    tr.setAttribute("data-key", story.key);
    var first = cell(tr, "Story", "", "first");
    first.appendChild(safeLink(story.url, story.title || story.url));
    if (story.title) first.appendChild(el("div", "meta", story.url));
    cell(tr, "Site", story.site, "nowrap");
    cell(tr, "Chapters", story.chapters === null || story.chapters === undefined ? "—" : story.chapters, "nowrap");
    cell(tr, "Last outcome", story.lastOutcome || "—", "nowrap " + stateClass(story.lastOutcome));
    var shown = job ? job.state : (story.lastOutcome || "—");
    var stateCell = cell(tr, "State", shown, "state " + stateClass(shown));
    if (job && job.state === "waiting") {
      var info = el("div", "meta", "attempt " + (job.attempts || 0) + ", next ");
      if (typeof job.nextAttemptAt === "number") info.appendChild(timeNode(job.nextAttemptAt));
      stateCell.appendChild(info);
    }
    if (job && job.lastError) stateCell.appendChild(el("div", "err", job.lastError));
    var actions = cell(tr, "", "", "actions");
    actions.removeAttribute("data-label");
    actions.appendChild(button("Refresh (force)", function () { post("/api/stories/" + encodeURIComponent(story.key) + "/refresh", {}); }));
    if (job && OPEN_STATES.indexOf(job.state) >= 0) {
      var jobId = job.id;
      var retry = button("Retry now", function () { post("/api/jobs/" + encodeURIComponent(jobId) + "/retry", {}); });
      var cancel = button("Cancel", function () {
        if (window.confirm("Cancel the job for " + (story.title || story.url) + "?")) post("/api/jobs/" + encodeURIComponent(jobId) + "/cancel", {});
      });
      // A running download is neither retried nor cancelled part-way: the server refuses both.
      if (job.state === "running") [retry, cancel].forEach(function (b) { b.disabled = true; b.setAttribute("data-never", ""); b.title = "It is downloading now"; });
      actions.appendChild(retry);
      actions.appendChild(cancel);
    }
    body.appendChild(tr);
  });
  pager($("stories-pager"), data, function (page) { view.storiesPage = page; loadStories(); });
}
/** @param {HTMLElement} box @param {Page<unknown>} data @param {(page: number) => void} go */
function pager(box, data, go) {
  clear(box);
  var pages = Math.max(1, Math.ceil((data.total || 0) / (data.pageSize || PAGE_SIZE)));
  var page = data.page || 1;
  if (pages <= 1) return;
  var prev = el("button", "", "‹ Newer"); prev.type = "button"; prev.disabled = page <= 1;
  var next = el("button", "", "Older ›"); next.type = "button"; next.disabled = page >= pages;
  if (box.id === "stories-pager") { prev.textContent = "‹ Previous"; next.textContent = "Next ›"; }
  prev.addEventListener("click", function () { go(page - 1); });
  next.addEventListener("click", function () { go(page + 1); });
  box.appendChild(prev);
  box.appendChild(el("span", "", "page " + page + " of " + pages));
  box.appendChild(next);
}

async function addStories() {
  var box = typed("add-urls", HTMLTextAreaElement);
  var add = typed("add-button", HTMLButtonElement);
  var urls = box.value.split(/\r?\n/).map(function (line) { return line.trim(); }).filter(function (line) { return line !== ""; });
  var results = $("add-results");
  if (urls.length === 0) { clear(results); results.appendChild(el("li", "empty", "Paste one story URL per line first.")); return; }
  add.disabled = true;
  /** @type {(data: { results: ReadonlyArray<AddResult> }) => void} */
  var show = function (data) {
    clear(results);
    /** @type {Array<string>} */
    var refused = [];
    (data.results || []).forEach(function (r) {
      var li = el("li", r.accepted ? "accepted" : "refused");
      if (r.storyKey) li.setAttribute("data-key", r.storyKey);
      li.appendChild(el("span", "", r.url));
      li.appendChild(el("div", "meta", r.message || (r.accepted ? "queued" : "refused")));
      results.appendChild(li);
      if (!r.accepted) refused.push(r.url);
    });
    // What was refused stays in the box to be fixed.
    box.value = refused.join("\n");
  };
  await post("/api/stories", { urls: urls, force: typed("add-force", HTMLInputElement).checked }, show);
  add.disabled = view.readOnly;
}
