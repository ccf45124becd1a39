// The dashboard's script, plain browser JavaScript inlined into dashboardPage.ts. Rules: text from
// the server only ever goes in through textContent / createElement (titles come from the web);
// no template literals in here (this is itself a template literal), no closing script tag.
// This first half opens the script's one closure: helpers and the requests to the API;
// dashboardViews.ts continues it with what the page shows and the live stream, and closes it.
export const dashboardBasics: string = String.raw`
(function () {
  "use strict";
  var TOKEN_KEY = "automated-fanfic-token";
  var PAGE_SIZE = 50;
  var OPEN_STATES = ["queued", "running", "waiting"];
  var view = { readOnly: false, clockOffset: 0, storiesPage: 1, storiesSearch: "", historyPage: 1, historySearch: "", historyTotal: 0, historyIds: new Set(), recent: [], lastId: 0, pending: null, wasLive: false };
  var seq = { status: 0, stories: 0, history: 0 };

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function stateClass(text) { return "s-" + String(text || "").toLowerCase().split(/[^a-z]/)[0]; }
  function serverNow() { return Date.now() + view.clockOffset; }
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function duration(ms) {
    var s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return s + "s";
    var m = Math.floor(s / 60);
    if (m < 60) return m + "m " + pad(s % 60) + "s";
    var h = Math.floor(m / 60);
    if (h < 24) return h + "h " + pad(m % 60) + "m";
    return Math.floor(h / 24) + "d " + (h % 24) + "h";
  }
  function relative(at) {
    var diff = at - serverNow();
    if (Math.abs(diff) < 1000) return "now";
    return diff > 0 ? "in " + duration(diff) : duration(-diff) + " ago";
  }
  function clock(at) { return typeof at === "number" ? new Date(at).toLocaleString() : "—"; }
  // A time that keeps itself current: "in 2m 05s", with the exact time on hover.
  function timeNode(at) {
    var span = el("span", "reltime", relative(at));
    span.setAttribute("data-at", String(at));
    span.title = clock(at);
    return span;
  }
  function safeLink(url, text) {
    var a = el("a", "", text);
    if (/^https?:\/\//i.test(String(url))) { a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer"; }
    return a;
  }
  function token() { try { return localStorage.getItem(TOKEN_KEY) || ""; } catch (e) { return ""; } }
  function headers(json) {
    var h = {};
    if (json) h["Content-Type"] = "application/json";
    var t = token();
    if (t) h["Authorization"] = "Bearer " + t;
    return h;
  }
  function messageOf(data, fallback) {
    return data && typeof data.message === "string" && data.message !== "" ? data.message : fallback;
  }
  var noticeTimer = null;
  function notify(kind, text) {
    var box = $("notice");
    box.className = "banner " + kind;
    box.textContent = text;
    box.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(function () { box.hidden = true; }, kind === "error" ? 12000 : 5000);
  }
  function askToken(retry) {
    view.pending = retry;
    $("token-box").hidden = false;
    $("token").focus();
  }
  function saveToken() {
    var value = $("token").value.trim();
    try { if (value) localStorage.setItem(TOKEN_KEY, value); else localStorage.removeItem(TOKEN_KEY); } catch (e) { notify("error", "This browser does not let the page store the token."); }
    $("token").value = "";
    $("token-box").hidden = true;
    var retry = view.pending;
    view.pending = null;
    if (retry) retry(); else loadAll();
  }

  async function send(method, path, body) {
    var res = await fetch(path, method === "GET" ? { headers: headers(false), cache: "no-store" } : { method: method, headers: headers(true), body: JSON.stringify(body || {}) });
    var data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    return { ok: res.ok, status: res.status, data: data };
  }
  // GET: null when it failed (already reported).
  async function getJson(path) {
    var r;
    try { r = await send("GET", path); } catch (e) { notify("error", "Cannot reach the server: " + e.message); return null; }
    if (r.status === 401) { askToken(loadAll); notify("error", messageOf(r.data, "This server needs its access token.")); return null; }
    if (!r.ok) { notify("error", messageOf(r.data, "The server answered " + r.status + " for " + path)); return null; }
    return r.data;
  }
  // State-changing requests; 401 asks for the token and retries, 409 and others show the server's message.
  async function post(path, body, done) {
    var r;
    try { r = await send("POST", path, body); } catch (e) { notify("error", "Cannot reach the server: " + e.message); return; }
    if (r.status === 401) { askToken(function () { post(path, body, done); }); notify("error", messageOf(r.data, "This server needs its access token.")); return; }
    if (!r.ok) { notify("error", messageOf(r.data, "The server answered " + r.status)); return; }
    if (done) { $("notice").hidden = true; done(r.data); } else notify("ok", messageOf(r.data, "Done."));
    refreshSoon();
  }
  function button(label, onClick, cls) {
    var b = el("button", "act" + (cls ? " " + cls : ""), label);
    b.type = "button";
    b.disabled = view.readOnly;
    b.addEventListener("click", onClick);
    return b;
  }

`
