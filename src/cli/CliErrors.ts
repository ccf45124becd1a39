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

// `health`: exit code 1, as a health check expects.
export class Unhealthy extends Schema.TaggedError<Unhealthy>()("Unhealthy", {
  message: Schema.String
}) {}
