import { Schema } from "effect"

export class UsageError extends Schema.TaggedError<UsageError>()("UsageError", {
  message: Schema.String
}) {}

export class NotBuiltYet extends Schema.TaggedError<NotBuiltYet>()("NotBuiltYet", {
  command: Schema.String,
  instead: Schema.String
}) {
  override get message() {
    return `\`${this.command}\` is not built yet in this version. ${this.instead}`
  }
}

export class StoriesFailed extends Schema.TaggedError<StoriesFailed>()("StoriesFailed", {
  failed: Schema.Int
}) {
  override get message() {
    return `${this.failed} stor${this.failed === 1 ? "y" : "ies"} failed`
  }
}
