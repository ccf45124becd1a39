import { Schema } from "effect"

export class UsageError extends Schema.TaggedError<UsageError>()("UsageError", {
  message: Schema.String
}) {}

export class StoriesFailed extends Schema.TaggedError<StoriesFailed>()("StoriesFailed", {
  failed: Schema.Int
}) {
  override get message() {
    return `${this.failed} stor${this.failed === 1 ? "y" : "ies"} failed`
  }
}
