// The dashboard's watch sources table (import, sweep, list:URL, feed:URL), plain browser
// JavaScript inside the script's closure, between dashboardScript.ts and dashboardViews.ts
// (whose helpers, such as cell, are function declarations and so already defined). Same rules:
// server text only through textContent, no template literals, no closing script tag.
export const dashboardWatch: string = String.raw`
  async function loadWatch() {
    var data = await getJson("/api/watch");
    if (!data) return;
    var body = $("watch").tBodies[0];
    clear(body);
    if (data.sources.length === 0) {
      var tr = el("tr"); var td = el("td", "empty", "No watch source has run: see [watch] in the configuration."); td.colSpan = 5; tr.appendChild(td); body.appendChild(tr); return;
    }
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
`
