import { dashboardFiles } from "#dashboard-files"

// The dashboard the daemon serves at GET /: src/web/dashboard/index.html with the stylesheet and
// the scripts it names put inline, so the page stays one self-contained document (no external
// resources; see the page's Content-Security-Policy in WebServer.ts), live through /api/events.

const fileNamed = (name: string): string => {
  const text = dashboardFiles[name]
  if (text === undefined) throw new Error(`the dashboard names ${name}, which is not in src/web/dashboard/`)
  return text
}

const inlined = (name: string, closingTag: string): string => {
  const text = fileNamed(name)
  // Inline, this would end the element early.
  if (text.toLowerCase().includes(closingTag)) throw new Error(`src/web/dashboard/${name} contains ${closingTag}`)
  return text
}

const assemble = (page: string) =>
  page
    .replace(/<link rel="stylesheet" href="([\w.-]+)">/g, (_tag, name: string) => `<style>\n${inlined(name, "</style")}</style>`)
    .replace(/<script src="([\w.-]+)"><\/script>/g, (_tag, name: string) => `<script>\n${inlined(name, "</script")}</script>`)

export const dashboardHtml: string = assemble(fileNamed("index.html"))
