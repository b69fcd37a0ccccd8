import Ledger

/// The PostgreSQL ledger's schema, one migration per version, applied in order under an advisory lock so that
/// machines starting together migrate once. Never edit a shipped migration: add one.
///
/// Text columns are `COLLATE "C"` (bytes in order), so every listing sorts as SQLite's does whatever locale the
/// server was initialised with; times are ISO-8601 text as the SQLite ledger stores them.
package enum PostgresSchema {
    /// A text column in byte order.
    private static let text = "TEXT COLLATE \"C\""

    /// (version, statements), oldest first.
    static let migrations: [(version: String, sql: String)] = [
        (
            "v1: batches, pages, quarantine, records, flags, changes, fixity, catalog, checks, events",
            """
            CREATE TABLE batch (
                id \(text) PRIMARY KEY,
                delivery \(text) NOT NULL,
                archive \(text),
                pipeline \(text) NOT NULL,
                created_at \(text) NOT NULL
            );
            CREATE TABLE page (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                batch_id \(text) NOT NULL REFERENCES batch(id),
                path \(text) NOT NULL,
                size BIGINT NOT NULL,
                mtime_ns BIGINT NOT NULL,
                sha256 \(text) NOT NULL,
                format \(text) NOT NULL,
                width BIGINT NOT NULL,
                height BIGINT NOT NULL,
                bits BIGINT NOT NULL,
                samples BIGINT NOT NULL,
                color_type \(text) NOT NULL,
                compression \(text) NOT NULL,
                dpi_x DOUBLE PRECISION,
                dpi_y DOUBLE PRECISION,
                frames BIGINT NOT NULL,
                code \(text) NOT NULL,
                page_no BIGINT NOT NULL,
                state \(text) NOT NULL,
                registered_at \(text) NOT NULL,
                updated_at \(text) NOT NULL,
                UNIQUE (batch_id, path)
            );
            CREATE INDEX page_by_code ON page(batch_id, code, page_no);
            CREATE INDEX page_by_digest ON page(sha256);
            CREATE INDEX page_by_state ON page(batch_id, state);
            CREATE TABLE quarantine (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                batch_id \(text) NOT NULL REFERENCES batch(id),
                path \(text) NOT NULL,
                size BIGINT NOT NULL,
                mtime_ns BIGINT NOT NULL,
                sha256 \(text),
                reason \(text) NOT NULL,
                detail \(text) NOT NULL,
                code \(text),
                page_no BIGINT,
                at \(text) NOT NULL,
                UNIQUE (batch_id, path)
            );
            CREATE TABLE record (
                batch_id \(text) NOT NULL REFERENCES batch(id),
                code \(text) NOT NULL,
                state \(text) NOT NULL DEFAULT 'waiting',
                updated_at \(text) NOT NULL,
                problems \(text),
                metadata \(text),
                bag \(text),
                PRIMARY KEY (batch_id, code)
            );
            CREATE INDEX record_by_bag ON record(bag);
            CREATE TABLE record_flag (
                batch_id \(text) NOT NULL REFERENCES batch(id),
                code \(text) NOT NULL,
                rule \(text) NOT NULL,
                detail \(text) NOT NULL,
                at \(text) NOT NULL,
                PRIMARY KEY (batch_id, code, rule)
            );
            CREATE TABLE changed_file (
                batch_id \(text) NOT NULL REFERENCES batch(id),
                path \(text) NOT NULL,
                registered_sha256 \(text) NOT NULL,
                found_sha256 \(text) NOT NULL,
                found_size BIGINT NOT NULL,
                detected_at \(text) NOT NULL,
                PRIMARY KEY (batch_id, path, found_sha256)
            );
            CREATE TABLE event (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                at \(text) NOT NULL,
                batch_id \(text),
                subject \(text) NOT NULL,
                action \(text) NOT NULL,
                detail \(text),
                tool \(text) NOT NULL
            );
            CREATE INDEX event_by_batch ON event(batch_id, id);
            CREATE INDEX event_by_subject ON event(batch_id, subject, action);
            CREATE TABLE fixity (
                batch_id \(text) NOT NULL REFERENCES batch(id),
                root \(text) NOT NULL,
                path \(text) NOT NULL,
                role \(text) NOT NULL,
                size BIGINT NOT NULL,
                sha256 \(text),
                sha512 \(text),
                md5 \(text),
                sm3 \(text),
                recorded_at \(text) NOT NULL,
                checked_at \(text),
                status \(text) NOT NULL DEFAULT 'recorded',
                PRIMARY KEY (batch_id, root, path)
            );
            CREATE TABLE catalog_record (
                batch_id \(text) NOT NULL REFERENCES batch(id),
                code \(text) NOT NULL,
                line BIGINT NOT NULL,
                fields \(text) NOT NULL,
                page_count BIGINT,
                PRIMARY KEY (batch_id, code)
            );
            CREATE TABLE page_check (
                batch_id \(text) NOT NULL REFERENCES batch(id),
                path \(text) NOT NULL,
                stage \(text) NOT NULL,
                rule \(text) NOT NULL,
                severity \(text) NOT NULL,
                detail \(text) NOT NULL,
                at \(text) NOT NULL,
                PRIMARY KEY (batch_id, path, stage, rule)
            );
            """
        ),
        (
            "v2: claims, leases, fencing tokens, workers",
            """
            ALTER TABLE page ADD COLUMN claimed_by \(text);
            ALTER TABLE page ADD COLUMN lease_until TIMESTAMPTZ;
            ALTER TABLE page ADD COLUMN claim_token BIGINT NOT NULL DEFAULT 0;
            CREATE INDEX page_claimable ON page(id) WHERE state = 'decoded';
            CREATE INDEX page_by_claimant ON page(claimed_by) WHERE claimed_by IS NOT NULL;
            CREATE SEQUENCE fencing_token;
            CREATE TABLE worker (
                id \(text) PRIMARY KEY,
                host \(text) NOT NULL,
                started_at TIMESTAMPTZ NOT NULL,
                heartbeat_at TIMESTAMPTZ NOT NULL,
                pages_done BIGINT NOT NULL DEFAULT 0,
                stopped_at TIMESTAMPTZ
            );
            """
        ),
        (
            "v3: page counts kept by triggers",
            // `quire status` must not count millions of pages: every statement that inserts, updates or deletes
            // pages appends its net change per batch and state (statement-level, from the transition tables, so a
            // claim of 128 pages adds nothing and a completion of 128 pages two rows); `counts` sums them and now
            // and then folds a batch's rows into one per state.
            """
            CREATE TABLE page_tally (
                batch_id \(text) NOT NULL,
                state \(text) NOT NULL,
                n BIGINT NOT NULL
            );
            CREATE INDEX page_tally_by_batch ON page_tally(batch_id, state);
            INSERT INTO page_tally (batch_id, state, n) SELECT batch_id, state, COUNT(*) FROM page GROUP BY batch_id, state;
            CREATE FUNCTION quire_page_tally_insert() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO page_tally (batch_id, state, n) SELECT batch_id, state, COUNT(*) FROM new_rows GROUP BY batch_id, state;
                RETURN NULL;
            END $$;
            CREATE FUNCTION quire_page_tally_update() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO page_tally (batch_id, state, n)
                SELECT batch_id, state, SUM(d) FROM (
                    SELECT batch_id, state, 1 AS d FROM new_rows UNION ALL SELECT batch_id, state, -1 FROM old_rows) AS c
                GROUP BY batch_id, state HAVING SUM(d) <> 0;
                RETURN NULL;
            END $$;
            CREATE FUNCTION quire_page_tally_delete() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO page_tally (batch_id, state, n) SELECT batch_id, state, -COUNT(*) FROM old_rows GROUP BY batch_id, state;
                RETURN NULL;
            END $$;
            CREATE TRIGGER page_tally_insert AFTER INSERT ON page REFERENCING NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION quire_page_tally_insert();
            CREATE TRIGGER page_tally_update AFTER UPDATE ON page REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION quire_page_tally_update();
            CREATE TRIGGER page_tally_delete AFTER DELETE ON page REFERENCING OLD TABLE AS old_rows
                FOR EACH STATEMENT EXECUTE FUNCTION quire_page_tally_delete()
            """
        ),
        (
            "v4: auditors' visual checks, events by action and time",
            """
            CREATE TABLE visual_check (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                batch_id \(text) NOT NULL REFERENCES batch(id),
                code \(text) NOT NULL,
                page_no BIGINT NOT NULL,
                verdict \(text) NOT NULL,
                reason \(text),
                note \(text) NOT NULL,
                auditor \(text) NOT NULL,
                seed \(text),
                at \(text) NOT NULL
            );
            CREATE INDEX visual_check_by_batch ON visual_check(batch_id, id);
            CREATE INDEX event_by_action_time ON event(action, at);
            """
        ),
        ("v5: the settings a batch's pages are made with", "ALTER TABLE batch ADD COLUMN settings \(text)"),
        (
            "v6: record claims, the record work workers bind and package by, claim attempts",
            """
            ALTER TABLE batch ADD COLUMN record_work \(text);
            ALTER TABLE record ADD COLUMN claimed_by \(text);
            ALTER TABLE record ADD COLUMN lease_until TIMESTAMPTZ;
            ALTER TABLE record ADD COLUMN claim_token BIGINT NOT NULL DEFAULT 0;
            ALTER TABLE record ADD COLUMN worked BOOLEAN NOT NULL DEFAULT false;
            CREATE INDEX record_claimable ON record(batch_id, code) WHERE state IN ('waiting', 'bound') AND NOT worked;
            CREATE INDEX record_by_claimant ON record(claimed_by) WHERE claimed_by IS NOT NULL;
            ALTER TABLE page ADD COLUMN claims BIGINT NOT NULL DEFAULT 0;
            CREATE INDEX page_abandoned ON page(id) WHERE state = 'decoded' AND claims >= \(PageClaim.attemptLimit);
            CREATE INDEX page_retried ON page(id) WHERE state = 'decoded' AND claims > 0
            """
        ),
    ]

    /// The statements of a migration: split at `;`, except inside a `$$`-quoted function body.
    package static func statements(_ sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        for part in sql.split(separator: ";", omittingEmptySubsequences: false) {
            current += current.isEmpty ? String(part) : ";" + part
            // Inside a body while the `$$` seen so far are odd in number.
            if current.components(separatedBy: "$$").count % 2 == 1 {
                if !current.allSatisfy(\.isWhitespace) { statements.append(current) }
                current = ""
            }
        }
        if !current.allSatisfy(\.isWhitespace) { statements.append(current) }
        return statements
    }

    /// Applies the migrations not yet applied, each in its own transaction, under a transaction-scoped advisory
    /// lock (so two machines starting at once apply each migration once). Its statements may wait for another
    /// machine's migration and rebuild large tables, so they have ``ServerAnswer/migrationDeadline``.
    static func migrate(_ sessions: PostgresSessions) throws {
        let schema = sessions.location.schema
        try sessions.transaction { tx in
            let tx = tx.allowing(ServerAnswer.migrationDeadline)
            try tx.execute("SELECT pg_advisory_xact_lock(7251730914)")
            if schema != "public" { try tx.execute("CREATE SCHEMA IF NOT EXISTS \"\(schema)\"") }
            try tx.execute(
                "CREATE TABLE IF NOT EXISTS quire_migration (version TEXT COLLATE \"C\" PRIMARY KEY, applied_at TEXT NOT NULL)")
        }
        for migration in migrations {
            try sessions.transaction { tx in
                let tx = tx.allowing(ServerAnswer.migrationDeadline)
                try tx.execute("SELECT pg_advisory_xact_lock(7251730914)")
                let done = try tx.query("SELECT 1 FROM quire_migration WHERE version = $1", [.text(migration.version)])
                guard done.isEmpty else { return }
                // One statement per message: the extended query protocol takes no more.
                for statement in statements(migration.sql) { try tx.execute(statement) }
                try tx.query(
                    "INSERT INTO quire_migration (version, applied_at) VALUES ($1, $2)",
                    [.text(migration.version), .text(LedgerEvent.now())])
            }
        }
    }

    /// The versions applied, oldest first.
    static func applied(_ sessions: PostgresSessions) throws -> [String] {
        try sessions.transaction { tx in
            try tx.query("SELECT version FROM quire_migration ORDER BY applied_at, version").map { try $0.text("version") }
        }
    }
}
