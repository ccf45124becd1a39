// @ts-check
// The dashboard's history, the live event stream and the start-up; the last of the page's scripts.
"use strict";

// History, newest first; live items are prepended while page 1 is shown unfiltered.
/** @param {HistoryItem} item */
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
  /** @type {Page<HistoryItem> | null} */
  var data = await getJson("/api/history?search=" + encodeURIComponent(view.historySearch) + "&page=" + view.historyPage + "&pageSize=" + PAGE_SIZE);
  if (!data || mine !== seq.history) return;
  var list = $("history");
  clear(list);
  view.historyIds = new Set();
  view.historyTotal = data.total || 0;
  historyTotal();
  var items = data.items || [];
  var newest = items[0];
  if (items.length === 0) list.appendChild(el("li", "empty", view.historySearch ? "Nothing matches." : "Nothing has happened yet."));
  items.forEach(function (item) { view.historyIds.add(item.id); list.appendChild(historyNode(item)); });
  if (view.historyPage === 1 && !view.historySearch) {
    if (newest !== undefined) view.lastId = Math.max(view.lastId, newest.id);
    // Live events that arrived while this page was being read.
    view.recent.forEach(function (item) { if (newest === undefined || item.id > newest.id) liveHistory(item); });
  }
  pager($("history-pager"), data, function (page) { view.historyPage = page; loadHistory(); });
}
/** @param {unknown} item @returns {item is HistoryItem} */
function isHistoryItem(item) { return typeof item === "object" && item !== null && "id" in item && typeof item.id === "number"; }
/** @param {unknown} item */
function liveHistory(item) {
  if (!isHistoryItem(item) || view.historyIds.has(item.id)) return;
  view.historyTotal += 1;
  historyTotal();
  if (view.historyPage !== 1 || view.historySearch) return;
  var list = $("history");
  var empty = list.querySelector("li.empty");
  if (empty) list.removeChild(empty);
  view.historyIds.add(item.id);
  list.insertBefore(historyNode(item), list.firstChild);
  while (list.children.length > PAGE_SIZE && list.lastChild) list.removeChild(list.lastChild);
}

async function loadConfig() {
  /** @type {{ config: unknown } | null} */
  var data = await getJson("/api/config");
  if (data) $("config").textContent = JSON.stringify(data.config, null, 2);
}
function loadAll() { loadStatus(); loadStories(); loadConfig(); loadWatch(); return loadHistory(); }

// At most one status and stories reload per 500 ms, however many events arrive.
var lastRefresh = 0;
/** @type {number | null} */
var refreshTimer = null;
function refreshSoon() {
  if (refreshTimer !== null) return;
  refreshTimer = setTimeout(function () { refreshTimer = null; lastRefresh = Date.now(); loadStatus(); loadStories(); loadWatch(); }, Math.max(0, lastRefresh + 500 - Date.now()));
}

/** @param {boolean} on */
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
  /** @param {MessageEvent<string>} event */
  var onEvent = function (event) {
    /** @type {unknown} */
    var item = null;
    try { item = JSON.parse(event.data); } catch (e) { item = null; }
    if (isHistoryItem(item)) {
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

/** @param {() => void} fn @param {number} ms */
function debounce(fn, ms) {
  /** @type {number | undefined} */
  var t = undefined;
  return function () { clearTimeout(t); t = setTimeout(fn, ms); };
}
/** @param {string} id */
function searchText(id) { return typed(id, HTMLInputElement).value.trim(); }
$("stories-search").addEventListener("input", debounce(function () { view.storiesSearch = searchText("stories-search"); view.storiesPage = 1; loadStories(); }, 300));
$("history-search").addEventListener("input", debounce(function () { view.historySearch = searchText("history-search"); view.historyPage = 1; loadHistory(); }, 300));
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
