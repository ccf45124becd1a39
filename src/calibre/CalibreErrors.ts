import { Schema } from "effect"

export class LibraryNotFound extends Schema.TaggedError<LibraryNotFound>()("LibraryNotFound", {
  library: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `Calibre library ${this.library === "" ? "(none)" : this.library}: ${this.reason}`
  }
}

export class CalibreBusy extends Schema.TaggedError<CalibreBusy>()("CalibreBusy", {
  library: Schema.String
}) {
  override get message() {
    return "Calibre is busy: another calibre program (the Calibre app or calibre-server) holds the library lock. " +
      "Close it, or point [calibre] path at the content server (http://host:port) instead of the folder."
  }
}

export class CalibreFailed extends Schema.TaggedError<CalibreFailed>()("CalibreFailed", {
  operation: Schema.String,
  exitCode: Schema.Int,
  detail: Schema.String
}) {
  override get message() {
    return `calibredb ${this.operation} failed (exit ${this.exitCode}): ${this.detail}`
  }
}

export class CalibreUnavailable extends Schema.TaggedError<CalibreUnavailable>()("CalibreUnavailable", {
  reason: Schema.String
}) {
  override get message() {
    return `calibredb cannot run: ${this.reason}. Install Calibre (Debian: apt-get install calibre) or run scripts/setup.sh.`
  }
}

// Calibre cannot be used at all, so no story can be written: the README's exit code 3. A
// CalibreFailed call is one story's failure (exit 1).
export type CalibreUnusable = LibraryNotFound | CalibreBusy | CalibreUnavailable
