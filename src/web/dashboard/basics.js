// @ts-check
// The dashboard's helpers and its requests to the API. The page's scripts are classic scripts
// run in order (index.html), so what one declares the later ones use. Text from the server only
// ever goes in through textContent / createElement: titles come from the web.
"use strict";

/** @typedef {import("../Api.ts").StatusView} Status */
/** @typedef {typeof import("../Api.ts").StoryView.Type} Story */
/** @typedef {import("../../store/entities.ts").HistoryItem} HistoryItem */
/** @typedef {typeof import("../Api.ts").SourceView.Type} Source */
/** @typedef {typeof import("../Api.ts").AddResult.Type} AddResult */
/** @typedef {{ readonly items: ReadonlyArray<T>, readonly total: number, readonly page: number, readonly pageSize: number }} Page @template T */
/** @typedef {{ readonly ok: boolean, readonly status: number, readonly data: unknown }} Answer */

var TOKEN_KEY = "automated-fanfic-token";
var PAGE_SIZE = 50;
var OPEN_STATES = ["queued", "running", "waiting"];
/**
 * What the page shows now: the server's clock, pages, searches, the newest event seen and the
 * request to retry once the token is given.
 * @type {{ readOnly: boolean, clockOffset: number, storiesPage: number, storiesSearch: string, historyPage: number, historySearch: string, historyTotal: number, historyIds: Set<number>, recent: Array<HistoryItem>, lastId: number, pending: (() => unknown) | null, wasLive: boolean }}
 */
var view = { readOnly: false, clockOffset: 0, storiesPage: 1, storiesSearch: "", historyPage: 1, historySearch: "", historyTotal: 0, historyIds: new Set(), recent: [], lastId: 0, pending: null, wasLive: false };
// Each load counts its requests, so an older answer arriving late is dropped.
var seq = { status: 0, stories: 0, history: 0 };

/** @param {string} id @returns {HTMLElement} */
function $(id) {
  var node = document.getElementById(id);
  if (node === null) throw new Error("the page has no #" + id);
  return node;
}
/** @template {HTMLElement} T @param {string} id @param {{ new (): T }} type @returns {T} */
function typed(id, type) {
  var node = $(id);
  if (!(node instanceof type)) throw new Error("#" + id + " is not a " + type.name);
  return node;
}
/** @param {string} id */
function tableBody(id) {
  var body = typed(id, HTMLTableElement).tBodies[0];
  if (body === undefined) throw new Error("#" + id + " has no tbody");
  return body;
}
/** @template {keyof HTMLElementTagNameMap} K @param {K} tag @param {string} [cls] @param {string | number | null} [text] */
function el(tag, cls, text) {
  var node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}
/** @param {Node} node */
function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
/** @param {string | null | undefined} text */
function stateClass(text) { return "s-" + String(text || "").toLowerCase().split(/[^a-z]/)[0]; }
function serverNow() { return Date.now() + view.clockOffset; }
/** @param {number} n */
function pad(n) { return n < 10 ? "0" + n : String(n); }
/** @param {number} ms */
function duration(ms) {
  var s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return s + "s";
  var m = Math.floor(s / 60);
  if (m < 60) return m + "m " + pad(s % 60) + "s";
  var h = Math.floor(m / 60);
  if (h < 24) return h + "h " + pad(m % 60) + "m";
  return Math.floor(h / 24) + "d " + (h % 24) + "h";
}
/** @param {number} at */
function relative(at) {
  var diff = at - serverNow();
  if (Math.abs(diff) < 1000) return "now";
  return diff > 0 ? "in " + duration(diff) : duration(-diff) + " ago";
}
/** @param {number | null | undefined} at */
function clock(at) { return typeof at === "number" ? new Date(at).toLocaleString() : "—"; }
// A time that keeps itself current: "in 2m 05s", with the exact time on hover.
/** @param {number} at */
function timeNode(at) {
  var span = el("span", "reltime", relative(at));
  span.setAttribute("data-at", String(at));
  span.title = clock(at);
  return span;
}
/** @param {string} url @param {string} text */
function safeLink(url, text) {
  var a = el("a", "", text);
  if (/^https?:\/\//i.test(String(url))) { a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer"; }
  return a;
}
/** @param {HTMLTableRowElement} row @param {string} label @param {string | number | null} text @param {string} [cls] */
function cell(row, label, text, cls) {
  var td = el("td", cls || "", text);
  td.setAttribute("data-label", label);
  row.appendChild(td);
  return td;
}
/** @param {HTMLTableSectionElement} body @param {number} columns @param {string} text */
function emptyRow(body, columns, text) {
  var tr = el("tr"); var td = el("td", "empty", text); td.colSpan = columns; tr.appendChild(td); body.appendChild(tr);
}
function token() { try { return localStorage.getItem(TOKEN_KEY) || ""; } catch (e) { return ""; } }
/** @param {boolean} json */
function headers(json) {
  /** @type {Record<string, string>} */
  var h = {};
  if (json) h["Content-Type"] = "application/json";
  var t = token();
  if (t) h["Authorization"] = "Bearer " + t;
  return h;
}
/** @param {unknown} data @param {string} fallback */
function messageOf(data, fallback) {
  return typeof data === "object" && data !== null && "message" in data && typeof data.message === "string" && data.message !== "" ? data.message : fallback;
}
/** @param {unknown} error */
function errorText(error) { return error instanceof Error ? error.message : String(error); }
/** @type {number | undefined} */
var noticeTimer = undefined;
/** @param {"ok" | "error"} kind @param {string} text */
function notify(kind, text) {
  var box = $("notice");
  box.className = "banner " + kind;
  box.textContent = text;
  box.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(function () { box.hidden = true; }, kind === "error" ? 12000 : 5000);
}
/** @param {() => unknown} retry */
function askToken(retry) {
  view.pending = retry;
  $("token-box").hidden = false;
  $("token").focus();
}
function saveToken() {
  var field = typed("token", HTMLInputElement);
  var value = field.value.trim();
  try { if (value) localStorage.setItem(TOKEN_KEY, value); else localStorage.removeItem(TOKEN_KEY); } catch (e) { notify("error", "This browser does not let the page store the token."); }
  field.value = "";
  $("token-box").hidden = true;
  var retry = view.pending;
  view.pending = null;
  if (retry) retry(); else loadAll();
}

/** @param {"GET" | "POST"} method @param {string} path @param {unknown} [body] @returns {Promise<Answer>} */
async function send(method, path, body) {
  var res = await fetch(path, method === "GET" ? { headers: headers(false), cache: "no-store" } : { method: method, headers: headers(true), body: JSON.stringify(body || {}) });
  /** @type {unknown} */
  var data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  return { ok: res.ok, status: res.status, data: data };
}
// GET: null when it failed (already reported). The answer is what Api.ts says the path returns.
/** @template T @param {string} path @returns {Promise<T | null>} */
async function getJson(path) {
  var r;
  try { r = await send("GET", path); } catch (e) { notify("error", "Cannot reach the server: " + errorText(e)); return null; }
  if (r.status === 401) { askToken(loadAll); notify("error", messageOf(r.data, "This server needs its access token.")); return null; }
  if (!r.ok) { notify("error", messageOf(r.data, "The server answered " + r.status + " for " + path)); return null; }
  return /** @type {T} */ (r.data);
}
// State-changing requests; 401 asks for the token and retries, 409 and others show the server's message.
/** @template T @param {string} path @param {unknown} body @param {(data: T) => void} [done] @returns {Promise<void>} */
async function post(path, body, done) {
  var r;
  try { r = await send("POST", path, body); } catch (e) { notify("error", "Cannot reach the server: " + errorText(e)); return; }
  if (r.status === 401) { askToken(function () { return post(path, body, done); }); notify("error", messageOf(r.data, "This server needs its access token.")); return; }
  if (!r.ok) { notify("error", messageOf(r.data, "The server answered " + r.status)); return; }
  if (done) { $("notice").hidden = true; done(/** @type {T} */ (r.data)); } else notify("ok", messageOf(r.data, "Done."));
  refreshSoon();
}
/** @param {string} label @param {() => void} onClick @param {string} [cls] */
function button(label, onClick, cls) {
  var b = el("button", "act" + (cls ? " " + cls : ""), label);
  b.type = "button";
  b.disabled = view.readOnly;
  b.addEventListener("click", onClick);
  return b;
}
