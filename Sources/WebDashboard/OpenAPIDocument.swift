/// `/api/openapi.json`: the API described in OpenAPI 3.1. The shapes are those of the commands' `--json`
/// (`quire status --json`, `quire quota --json`), which the tests compare byte for byte.
enum OpenAPIDocument {
    static let json = """
        {
          "openapi": "3.1.0",
          "info": {
            "title": "Quire dashboard API",
            "version": "1",
            "description": "Read-only views of a Quire ledger. Every figure is the one the command line prints with --json."
          },
          "paths": {
            "/api/status": {
              "get": {
                "summary": "Every batch with its counts, and the workers of a shared ledger (as `quire status --json`).",
                "responses": { "200": { "description": "The status report.",
                  "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Status" } } } } }
              }
            },
            "/api/quota": {
              "get": {
                "summary": "Every archive against its DA/T 31 quota (as `quire quota --json`).",
                "parameters": [ { "name": "as_of", "in": "query", "required": false,
                  "schema": { "type": "string", "format": "date" }, "description": "Report as of this day (YYYY-MM-DD)." } ],
                "responses": { "200": { "description": "The quota report.",
                  "content": { "application/json": { "schema": { "type": "object" } } } },
                  "400": { "description": "as_of is no date." } }
              }
            },
            "/api/overview": {
              "get": {
                "summary": "Status and quota together: what the overview page shows.",
                "responses": { "200": { "description": "{status, quota}.",
                  "content": { "application/json": { "schema": { "type": "object",
                    "properties": { "status": { "$ref": "#/components/schemas/Status" }, "quota": { "type": "object" } } } } } } }
              }
            },
            "/api/batches/{batch}/records/{code}": {
              "get": {
                "summary": "One record: state, bag, problems, pages, catalog fields, fixity of every file, its events.",
                "parameters": [ { "name": "batch", "in": "path", "required": true, "schema": { "type": "string" } },
                  { "name": "code", "in": "path", "required": true, "schema": { "type": "string" }, "description": "The 档号." } ],
                "responses": { "200": { "description": "The record.", "content": { "application/json": { "schema": { "type": "object" } } } },
                  "404": { "description": "No such record in the batch." } }
              }
            },
            "/api/batches/{batch}/check": {
              "get": {
                "summary": "The visual check's sample of the batch (drawn as quire verify --sample draws) with each page's latest mark and the pass rate.",
                "parameters": [ { "name": "batch", "in": "path", "required": true, "schema": { "type": "string" } },
                  { "name": "seed", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 0, "default": 1 } } ],
                "responses": { "200": { "description": "The sample.", "content": { "application/json": { "schema": { "type": "object",
                  "properties": { "seed": { "type": "integer" }, "percent": { "type": "number" }, "pass_percent": { "type": "number" },
                    "population": { "type": "integer" }, "marked": { "type": "integer" }, "passed": { "type": "integer" },
                    "failed": { "type": "integer" }, "pass_rate": { "type": ["number", "null"] },
                    "verdict": { "enum": ["open", "accepted", "rejected"] }, "drawn": { "type": "array", "items": { "type": "object" } } } } } } },
                  "404": { "description": "No such batch." } }
              }
            },
            "/api/batches/{batch}": {
              "get": {
                "summary": "One batch: counts, quarantined files with reasons, records with states and binding problems.",
                "parameters": [ { "name": "batch", "in": "path", "required": true, "schema": { "type": "string" } } ],
                "responses": { "200": { "description": "The batch.",
                  "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Batch" } } } },
                  "404": { "description": "No such batch in the ledger." } }
              }
            }
          },
          "components": {
            "schemas": {
              "Counts": { "type": "object", "properties": {
                "pages": { "type": "integer" }, "quarantined": { "type": "integer" }, "records": { "type": "integer" },
                "flaggedRecords": { "type": "integer" }, "changed": { "type": "integer" },
                "pagesByState": { "type": "object", "additionalProperties": { "type": "integer" } },
                "recordsByState": { "type": "object", "additionalProperties": { "type": "integer" } } } },
              "Status": { "type": "object", "properties": {
                "workspace": { "type": "string" }, "ledger": { "type": "string" },
                "batches": { "type": "array", "items": { "type": "object", "properties": {
                  "batch": { "type": "string" }, "delivery": { "type": "string" }, "archive": { "type": "string" },
                  "pipeline": { "type": "string" }, "created_at": { "type": "string" },
                  "counts": { "$ref": "#/components/schemas/Counts" } } } },
                "workers": { "type": "array", "items": { "type": "object", "properties": {
                  "id": { "type": "string" }, "host": { "type": "string" }, "started_at": { "type": "string" },
                  "heartbeat_at": { "type": "string" }, "seconds_since_heartbeat": { "type": "number" },
                  "pages_done": { "type": "integer" }, "pages_per_second": { "type": "number" },
                  "leases": { "type": "integer" }, "state": { "enum": ["working", "stopped", "silent"] } } } } } },
              "Batch": { "type": "object", "properties": {
                "batch": { "type": "object" }, "counts": { "$ref": "#/components/schemas/Counts" },
                "quarantined": { "type": "array", "items": { "type": "object", "properties": {
                  "path": { "type": "string" }, "reason": { "type": "string" }, "detail": { "type": "string" },
                  "code": { "type": "string" }, "page": { "type": "integer" } } } },
                "records": { "type": "array", "items": { "type": "object", "properties": {
                  "code": { "type": "string" }, "state": { "type": "string" }, "bag": { "type": "string" },
                  "problems": { "type": "array", "items": { "type": "object", "properties": {
                    "rule": { "type": "string" }, "detail": { "type": "string" } } } } } } } } }
            }
          }
        }

        """
}
