#!/usr/bin/env node
// Lints Cypher statements with Neo4j's own parser and semantic analysis
// (@neo4j-cypher/language-support, the library behind Neo4j Browser's and VS Code's linting).
//
// One long-lived process: it reads JSON lines on stdin and writes exactly one JSON line on
// stdout per input line, so a test suite starts node once and lints hundreds of statements.
//
//   {"schema": {"labels": [...], "relationshipTypes": [...], "propertyKeys": [...]}}
//       → {"ok": true}        the schema used for every later statement
//   {"name": "MERGE_X", "query": "UNWIND $rows ...", "version": "CYPHER 5"}
//       → {"name": "MERGE_X", "diagnostics": [{"severity": "error", "message": ..., "line": 1,
//          "column": 0, "text": "..."}]}
//   anything that cannot be handled → {"name": ..., "failure": "why"}
//
// Parameter diagnostics ("Parameter $x is not defined") are dropped with the library's
// isNotParamError: statements take their values as parameters that exist only at run time.
// Functions and procedures are checked against the built-in ones of the Neo4j version the
// library ships signatures for (APOC/GDS left out: linkrisk requires neither).

import { createInterface } from 'node:readline';
import {
  isNotParamError,
  lintCypherQuery,
  testData,
} from '@neo4j-cypher/language-support';

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };
const PLUGIN_PREFIXES = ['apoc.', 'gds.'];

function builtIns(registry, keep) {
  const scoped = {};
  for (const [version, entries] of Object.entries(registry ?? {})) {
    scoped[version] = Object.fromEntries(
      Object.entries(entries).filter(([name, entry]) => keep(name, entry)),
    );
  }
  return scoped;
}

const notPlugin = (name) => !PLUGIN_PREFIXES.some((prefix) => name.startsWith(prefix));
const FUNCTIONS = builtIns(testData.mockSchema.functions, (name, fn) => fn.isBuiltIn && notPlugin(name));
const PROCEDURES = builtIns(testData.mockSchema.procedures, (name) => notPlugin(name));

let schema = { labels: [], relationshipTypes: [], propertyKeys: [] };

function snippet(query, offsets) {
  if (!offsets) return '';
  return query.slice(Math.max(0, offsets.start), Math.max(0, offsets.end));
}

function lint(request) {
  const dbSchema = {
    ...schema,
    functions: FUNCTIONS,
    procedures: PROCEDURES,
    defaultLanguage: request.version ?? 'CYPHER 5',
  };
  const { diagnostics } = lintCypherQuery(request.query, dbSchema);
  return diagnostics.filter(isNotParamError).map((d) => ({
    severity: SEVERITY[d.severity] ?? String(d.severity),
    message: d.message,
    line: d.range.start.line + 1,
    column: d.range.start.character,
    text: snippet(request.query, d.offsets),
  }));
}

function handle(line) {
  let request;
  try {
    request = JSON.parse(line);
  } catch (error) {
    return { failure: `not a JSON line: ${error.message}` };
  }
  try {
    if (request.schema) {
      schema = {
        labels: request.schema.labels ?? [],
        relationshipTypes: request.schema.relationshipTypes ?? [],
        propertyKeys: request.schema.propertyKeys ?? [],
      };
      return { ok: true };
    }
    if (typeof request.query !== 'string') {
      return { name: request.name, failure: 'no "query" string' };
    }
    return { name: request.name, version: request.version, diagnostics: lint(request) };
  } catch (error) {
    return { name: request.name, failure: String(error?.stack ?? error) };
  }
}

const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
input.on('line', (line) => {
  if (line.trim() === '') return;
  process.stdout.write(JSON.stringify(handle(line)) + '\n');
});
