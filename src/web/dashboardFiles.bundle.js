// The dashboard's files inside the bundle: `npm run bundle` resolves `#dashboard-files` here (the
// "bundle" condition) and esbuild puts each file's text into dist/, so the image needs no src/.
// Running from source, dashboardFiles.ts reads the same files from disk.
import html from "./dashboard/index.html" with { type: "text" }
import css from "./dashboard/dashboard.css" with { type: "text" }
import basics from "./dashboard/basics.js" with { type: "text" }
import status from "./dashboard/status.js" with { type: "text" }
import stories from "./dashboard/stories.js" with { type: "text" }
import live from "./dashboard/live.js" with { type: "text" }

export const dashboardFiles = { "index.html": html, "dashboard.css": css, "basics.js": basics, "status.js": status, "stories.js": stories, "live.js": live }
