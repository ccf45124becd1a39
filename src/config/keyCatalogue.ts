import { SchemaAST } from "effect"
import type { Schema } from "effect"

// Every key the config file may hold, with the kind of value it takes, read from the schema
// itself so that environment overrides, "did you mean" hints and the schema never disagree.

type ValueKind = "text" | "number" | "boolean" | "list" | "section"

export interface KeyEntry {
  readonly path: string
  readonly kind: ValueKind
}

const kindOf = (ast: SchemaAST.AST): ValueKind => {
  switch (ast._tag) {
    case "Number":
      return "number"
    case "Boolean":
      return "boolean"
    case "Arrays":
      return "list"
    case "Objects":
      return "section"
    default:
      return "text"
  }
}

export const catalogueOf = (schema: Schema.Top): ReadonlyArray<KeyEntry> => {
  const entries: Array<KeyEntry> = []
  const walk = (ast: SchemaAST.AST, prefix: string) => {
    const encoded = SchemaAST.toEncoded(ast)
    if (encoded._tag !== "Objects") return
    for (const property of encoded.propertySignatures) {
      const path = prefix === "" ? String(property.name) : `${prefix}.${String(property.name)}`
      entries.push({ path, kind: kindOf(SchemaAST.toEncoded(property.type)) })
      walk(property.type, path)
    }
  }
  walk(schema.ast, "")
  return entries
}

export const siblingsOf = (catalogue: ReadonlyArray<KeyEntry>, parent: string): ReadonlyArray<string> =>
  catalogue
    .filter((entry) => parentOf(entry.path) === parent)
    .map((entry) => entry.path.slice(parent === "" ? 0 : parent.length + 1))

export const parentOf = (path: string): string => {
  const dot = path.lastIndexOf(".")
  return dot < 0 ? "" : path.slice(0, dot)
}
