import { NodeServices } from "@effect/platform-node"
import { execFileSync } from "node:child_process"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { Layer } from "effect"
import { AppConfig } from "../../src/config/AppConfig.ts"
import { FanFicFare } from "../../src/fanficfare/FanFicFare.ts"

// The real FanFicFare service, configured from TOML text, for tests.
export const fanFicFareLayer = (toml = "") =>
  FanFicFare.layer.pipe(Layer.provideMerge(AppConfig.layerFromText(toml)), Layer.provideMerge(NodeServices.layer))

// test1.com builds stories with sid >= 1000 from ini sections. dateUpdated must be today, or an
// update is skipped as older than the file.
export const writeStoryIni = (directory: string, name: string, sections: Record<string, ReadonlyArray<string>>) => {
  const today = new Date().toLocaleDateString("sv-SE")
  const text = Object.entries(sections)
    .map(([sid, lines]) => [`[teststory:${sid}]`, `title:Ini Story {{storyId}}`, "author_list:Ini Author", `dateUpdated:${today}`, ...lines].join("\n"))
    .join("\n")
  const path = join(directory, name)
  writeFileSync(path, `${text}\n`)
  return path
}

// FanFicFare processes still running whose command line mentions the marker.
export const processesMentioning = (marker: string): ReadonlyArray<string> => {
  const lines = execFileSync("ps", ["-eo", "pid,args"], { encoding: "utf8" }).split("\n")
  return lines.filter((line) => line.includes(marker) && !line.includes("ps -eo"))
}

// An EPUB that FanFicFare did not write: its source is a site FanFicFare does not know.
export const writeForeignEpub = (path: string) => {
  execFileSync("python3", ["-c", `
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1], "w")
z.writestr("mimetype", "application/epub+zip")
z.writestr("META-INF/container.xml", '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>')
z.writestr("content.opf", '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Elsewhere</dc:title><dc:identifier id="id">x</dc:identifier><dc:source>https://www.example.com/book/1</dc:source></metadata><manifest><item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="c1"/></spine></package>')
z.writestr("c1.xhtml", "<html xmlns='http://www.w3.org/1999/xhtml'><body><p>hi</p></body></html>")
z.close()
`, path])
}

// FanFicFare and calibredb processes with this exact argument: not our own CLI given the URL, and
// not test1.com?sid=50 for test1.com?sid=5 (other test runs on the machine use neighbouring ids).
export const programsWithArgument = (argument: string): ReadonlyArray<string> =>
  processesMentioning(argument).filter((line) => /fanficfare|calibredb/.test(line) && line.split(/\s+/).includes(argument))
