// The dashboard's script, plain browser JavaScript inlined into dashboardPage.ts. Rules: text from
// the server only ever goes in through textContent / createElement (titles come from the web);
// no template literals in here (this is itself a template literal), no closing script tag.
// The second half of the script that dashboardScript.ts opens: the page's sections, the live
// stream and the start-up; it closes the closure.
export const dashboardViews: string = String.raw`
  // Status: counts, running, waiting, queued, sites.
  async function loadStatus() {
    var mine = ++seq.status;
    var data = await getJson("/api/status");
    if (!data || mine !== seq.status) return;
    if (typeof data.now === "number") view.clockOffset = data.now - Date.now();
    view.readOnly = !!data.readOnly;
    $("readonly").hidden = !view.readOnly;
    $("add-button").disabled = view.readOnly;
    document.querySelectorAll("button.act").forEach(function (b) { b.disabled = view.readOnly || b.hasAttribute("data-never"); });
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
  function renderCounts(counts) {
    var box = $("counts");
    clear(box);
    ["queued", "running", "waiting", "done", "failed", "skipped"].forEach(function (name) {
      if (name === "skipped" && !counts.skipped) return;
      var chip = el("span", "chip " + name);
      chip.setAttribute("data-count", name);
      chip.appendChild(el("b", "", counts[name] || 0));
      chip.appendChild(document.createTextNode(" " + name));
      box.appendChild(chip);
    });
  }
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
  function cell(row, label, text, cls) {
    var td = el("td", cls || "", text);
    td.setAttribute("data-label", label);
    row.appendChild(td);
    return td;
  }
  function renderSites(sites) {
    var body = $("sites").tBodies[0];
    clear(body);
    if (sites.length === 0) {
      var tr = el("tr"); var td = el("td", "empty", "No site has been used yet."); td.colSpan = 5; tr.appendChild(td); body.appendChild(tr); return;
    }
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

  // Stories table, paginated and searchable.
  async function loadStories() {
    var mine = ++seq.stories;
    var q = "/api/stories?search=" + encodeURIComponent(view.storiesSearch) + "&page=" + view.storiesPage + "&pageSize=" + PAGE_SIZE;
    var data = await getJson(q);
    if (!data || mine !== seq.stories) return;
    var body = $("stories").tBodies[0];
    clear(body);
    var items = data.items || [];
    $("stories-total").textContent = (data.total || 0) + (data.total === 1 ? " story" : " stories");
    if (items.length === 0) {
      var tr0 = el("tr"); var td0 = el("td", "empty", view.storiesSearch ? "No story matches." : "No stories yet: add some below or wait for an alert."); td0.colSpan = 6; tr0.appendChild(td0); body.appendChild(tr0);
    }
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
        var retry = button("Retry now", function () { post("/api/jobs/" + encodeURIComponent(job.id) + "/retry", {}); });
        var cancel = button("Cancel", function () {
          if (window.confirm("Cancel the job for " + (story.title || story.url) + "?")) post("/api/jobs/" + encodeURIComponent(job.id) + "/cancel", {});
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

  // History, newest first; live items are prepended while page 1 is shown unfiltered.
  function historyNode(item) {
    var li = el("li");
    li.setAttribute("data-id", String(item.id));
    var head = el("div");
    head.appendChild(el("span", "history-kind " + stateClass(item.kind), item.kind));
    if (item.storyKey) head.appendChild(el("span", "meta", " · " + item.storyKey));
    li.appendChild(head);
    if (item.detail) li.appendChild(el("div", "", item.detail));
    var when = el("div", "meta", clock(item.at) + " · ");
    when.appendChild(timeNode(item.at));
    li.appendChild(when);
    return li;
  }
  function historyTotal() { $("history-total").textContent = view.historyTotal + (view.historyTotal === 1 ? " event" : " events"); }
  async function loadHistory() {
    var mine = ++seq.history;
    var data = await getJson("/api/history?search=" + encodeURIComponent(view.historySearch) + "&page=" + view.historyPage + "&pageSize=" + PAGE_SIZE);
    if (!data || mine !== seq.history) return;
    var list = $("history");
    clear(list);
    view.historyIds = new Set();
    view.historyTotal = data.total || 0;
    historyTotal();
    var items = data.items || [];
    if (items.length === 0) list.appendChild(el("li", "empty", view.historySearch ? "Nothing matches." : "Nothing has happened yet."));
    items.forEach(function (item) { view.historyIds.add(item.id); list.appendChild(historyNode(item)); });
    if (view.historyPage === 1 && !view.historySearch) {
      if (items.length > 0) view.lastId = Math.max(view.lastId, items[0].id);
      // Live events that arrived while this page was being read.
      view.recent.forEach(function (item) { if (items.length === 0 || item.id > items[0].id) liveHistory(item); });
    }
    pager($("history-pager"), data, function (page) { view.historyPage = page; loadHistory(); });
  }
  function liveHistory(item) {
    if (!item || typeof item.id !== "number" || view.historyIds.has(item.id)) return;
    view.historyTotal += 1;
    historyTotal();
    if (view.historyPage !== 1 || view.historySearch) return;
    var list = $("history");
    var empty = list.querySelector("li.empty");
    if (empty) list.removeChild(empty);
    view.historyIds.add(item.id);
    list.insertBefore(historyNode(item), list.firstChild);
    while (list.children.length > PAGE_SIZE) list.removeChild(list.lastChild);
  }

  async function loadConfig() {
    var data = await getJson("/api/config");
    if (data) $("config").textContent = JSON.stringify(data.config, null, 2);
  }
  function loadAll() { loadStatus(); loadStories(); loadConfig(); loadWatch(); return loadHistory(); }

  // At most one status and stories reload per 500 ms, however many events arrive.
  var lastRefresh = 0, refreshTimer = null;
  function refreshSoon() {
    if (refreshTimer !== null) return;
    refreshTimer = setTimeout(function () { refreshTimer = null; lastRefresh = Date.now(); loadStatus(); loadStories(); loadWatch(); }, Math.max(0, lastRefresh + 500 - Date.now()));
  }

  function setLive(on) {
    var live = $("live");
    live.className = on ? "on" : "";
    live.textContent = on ? "live" : "reconnecting…";
  }
  function connect() {
    // From the newest event shown, so nothing between the first read and the stream is missed;
    // on its own reconnects the browser sends Last-Event-ID.
    var source = new EventSource("/api/events" + (view.lastId > 0 ? "?since=" + view.lastId : ""));
    source.onopen = function () {
      setLive(true);
      // Events may have been missed while the connection was down.
      if (view.wasLive) { loadHistory(); refreshSoon(); }
      view.wasLive = true;
    };
    source.onerror = function () {
      setLive(false);
      // The browser retries by itself unless the server refused the stream outright.
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 5000);
    };
    var onEvent = function (event) {
      var item = null;
      try { item = JSON.parse(event.data); } catch (e) { item = null; }
      if (item && typeof item.id === "number") {
        view.lastId = Math.max(view.lastId, item.id);
        view.recent.push(item);
        if (view.recent.length > PAGE_SIZE) view.recent.shift();
      }
      liveHistory(item);
      refreshSoon();
    };
    source.addEventListener("history", onEvent);
    source.onmessage = onEvent;
  }

  async function addStories() {
    var urls = $("add-urls").value.split(/\r?\n/).map(function (line) { return line.trim(); }).filter(function (line) { return line !== ""; });
    var results = $("add-results");
    if (urls.length === 0) { clear(results); results.appendChild(el("li", "empty", "Paste one story URL per line first.")); return; }
    $("add-button").disabled = true;
    await post("/api/stories", { urls: urls, force: $("add-force").checked }, function (data) {
      clear(results);
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
      $("add-urls").value = refused.join("\n");
    });
    $("add-button").disabled = view.readOnly;
  }

  function debounce(fn, ms) { var t = null; return function () { clearTimeout(t); t = setTimeout(fn, ms); }; }
  $("stories-search").addEventListener("input", debounce(function () { view.storiesSearch = $("stories-search").value.trim(); view.storiesPage = 1; loadStories(); }, 300));
  $("history-search").addEventListener("input", debounce(function () { view.historySearch = $("history-search").value.trim(); view.historyPage = 1; loadHistory(); }, 300));
  $("add-button").addEventListener("click", addStories);
  $("token-box").addEventListener("submit", function (e) { e.preventDefault(); saveToken(); });

  // Elapsed and relative times tick locally between reloads.
  setInterval(function () {
    document.querySelectorAll("[data-elapsed]").forEach(function (span) {
      span.textContent = duration(Number(span.getAttribute("data-elapsed")) + Date.now() - Number(span.getAttribute("data-since")));
    });
    document.querySelectorAll("[data-at]").forEach(function (span) { span.textContent = relative(Number(span.getAttribute("data-at"))); });
  }, 1000);
  // Without the live stream, fall back to a slow poll.
  setInterval(function () { if ($("live").className !== "on") { loadStatus(); loadStories(); } }, 15000);

  loadAll().then(connect, connect);
})();
`
