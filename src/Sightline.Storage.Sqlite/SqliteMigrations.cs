using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

/// <summary>
/// Versioned schema. Each migration runs in its own transaction and bumps <c>PRAGMA user_version</c>, so a crash
/// mid-migration leaves the previous version intact. Append new steps; never edit a shipped one.
/// </summary>
internal static class SqliteMigrations
{
    private static readonly string[] s_steps =
    [
        // 1: collections, faces (embedding stored with the face), users.
        """
        CREATE TABLE collections (
            id TEXT PRIMARY KEY NOT NULL,
            arn TEXT NOT NULL,
            face_model_version TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE faces (
            row_id INTEGER PRIMARY KEY,
            face_id TEXT NOT NULL UNIQUE,
            collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            image_id TEXT NOT NULL,
            external_image_id TEXT,
            box_left REAL NOT NULL,
            box_top REAL NOT NULL,
            box_width REAL NOT NULL,
            box_height REAL NOT NULL,
            confidence REAL NOT NULL,
            user_id TEXT,
            created_at INTEGER NOT NULL,
            embedding BLOB NOT NULL
        );
        CREATE INDEX faces_by_collection ON faces(collection_id, row_id);
        CREATE TABLE users (
            collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            user_id TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (collection_id, user_id)
        );
        """,
        // 2: access keys (salt and secret hash only; secrets are derived with a master key kept outside the database).
        """
        CREATE TABLE access_keys (
            id TEXT PRIMARY KEY NOT NULL,
            role TEXT NOT NULL,
            salt BLOB NOT NULL,
            secret_hash BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            revoked_at INTEGER,
            default_case TEXT,
            default_purpose TEXT,
            description TEXT
        );
        """,
        // 3: CreateUser is idempotent per client request token.
        """
        ALTER TABLE users ADD COLUMN client_request_token TEXT;
        """,
        // 4: tags on collections (TagResource, UntagResource, ListTagsForResource).
        """
        CREATE TABLE collection_tags (
            collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (collection_id, key)
        );
        """,
        // 5: stored-video jobs (results are files next to the database).
        """
        CREATE TABLE video_jobs (
            id TEXT PRIMARY KEY NOT NULL,
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            status_message TEXT,
            request_json TEXT NOT NULL,
            client_request_token TEXT,
            job_tag TEXT,
            created_by TEXT,
            created_at INTEGER NOT NULL,
            completed_at INTEGER
        );
        CREATE UNIQUE INDEX video_jobs_by_token ON video_jobs(kind, client_request_token) WHERE client_request_token IS NOT NULL;
        CREATE INDEX video_jobs_by_status ON video_jobs(status, created_at);
        """,
        // 6: the audit log (hash chain; seals keyed outside the database). Append-only here too.
        """
        CREATE TABLE audit_log (
            seq INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            actor TEXT NOT NULL,
            role TEXT NOT NULL,
            operation TEXT NOT NULL,
            outcome TEXT NOT NULL,
            collection_id TEXT,
            case_id TEXT,
            purpose TEXT,
            threshold TEXT,
            probe TEXT,
            details TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX audit_by_case ON audit_log(case_id, seq);
        CREATE TABLE audit_seals (seq INTEGER PRIMARY KEY, hash TEXT NOT NULL, mac TEXT NOT NULL);
        CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL, mac TEXT NOT NULL);
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        """,
        // 7: policy settings (missing keys take their defaults).
        """
        CREATE TABLE policy (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
        """,
        // 8: leads for human review, one per search match.
        """
        CREATE TABLE leads (
            id TEXT PRIMARY KEY NOT NULL,
            search_seq INTEGER NOT NULL,
            case_id TEXT,
            purpose TEXT,
            collection_id TEXT,
            subject_type TEXT NOT NULL,
            subject_id TEXT NOT NULL,
            similarity REAL NOT NULL,
            searched_by TEXT NOT NULL,
            status TEXT NOT NULL,
            reviewer TEXT,
            note TEXT,
            created_at INTEGER NOT NULL,
            reviewed_at INTEGER
        );
        CREATE INDEX leads_by_case ON leads(case_id, status, created_at);
        CREATE INDEX leads_by_status ON leads(status, created_at);
        """,
        // 9: retention rules, legal holds, and the case a video search job runs under.
        """
        CREATE TABLE retention (
            collection_id TEXT PRIMARY KEY NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            face_days INTEGER,
            lead_days INTEGER
        );
        CREATE TABLE legal_holds (
            case_id TEXT PRIMARY KEY NOT NULL,
            reason TEXT NOT NULL,
            placed_by TEXT NOT NULL,
            placed_at INTEGER NOT NULL
        );
        CREATE INDEX faces_by_age ON faces(collection_id, created_at);
        CREATE INDEX audit_by_time ON audit_log(at);
        CREATE INDEX leads_by_collection ON leads(collection_id, created_at);
        ALTER TABLE video_jobs ADD COLUMN case_id TEXT;
        ALTER TABLE video_jobs ADD COLUMN purpose TEXT;
        ALTER TABLE video_jobs ADD COLUMN role TEXT;
        """,
        // 10: custom detectors (model files under <data>/detectors), alert rules and the alerts they raised.
        """
        CREATE TABLE detectors (
            id TEXT PRIMARY KEY NOT NULL,
            layout TEXT NOT NULL,
            input_width INTEGER NOT NULL,
            input_height INTEGER NOT NULL,
            labels TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size_bytes INTEGER NOT NULL,
            created_by TEXT,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE alert_rules (
            id TEXT PRIMARY KEY NOT NULL,
            label TEXT NOT NULL,
            min_confidence REAL NOT NULL,
            region_left REAL,
            region_top REAL,
            region_width REAL,
            region_height REAL,
            webhook_url TEXT NOT NULL,
            secret TEXT NOT NULL,
            created_by TEXT,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE alerts (
            id TEXT PRIMARY KEY NOT NULL,
            rule_id TEXT NOT NULL,
            label TEXT NOT NULL,
            confidence REAL NOT NULL,
            box_left REAL NOT NULL,
            box_top REAL NOT NULL,
            box_width REAL NOT NULL,
            box_height REAL NOT NULL,
            source TEXT NOT NULL,
            image_ref TEXT,
            created_at INTEGER NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            last_error TEXT,
            delivered_at INTEGER
        );
        CREATE INDEX alerts_by_time ON alerts(created_at);
        CREATE INDEX alerts_by_status ON alerts(status, created_at);
        """,
        // 11: licence-plate hotlists (plates stored normalised: A–Z, 0–9, letter O as 0).
        """
        CREATE TABLE hotlist_entries (
            list TEXT NOT NULL,
            plate TEXT NOT NULL,
            reason TEXT NOT NULL,
            expires_at INTEGER,
            added_by TEXT NOT NULL,
            added_at INTEGER NOT NULL,
            PRIMARY KEY (list, plate)
        );
        """,
        // 12: the face change log every process follows to keep its vector indexes in step with the database.
        // Triggers write it in the same transaction as the change, so no writer (server, CLI, retention) can skip it.
        """
        CREATE TABLE face_changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            collection_id TEXT NOT NULL,
            row_id INTEGER NOT NULL,
            added INTEGER NOT NULL
        );
        CREATE INDEX face_changes_by_collection ON face_changes(collection_id, seq);
        CREATE TRIGGER faces_log_insert AFTER INSERT ON faces BEGIN
            INSERT INTO face_changes(collection_id, row_id, added) VALUES (NEW.collection_id, NEW.row_id, 1);
        END;
        CREATE TRIGGER faces_log_delete AFTER DELETE ON faces BEGIN
            INSERT INTO face_changes(collection_id, row_id, added) VALUES (OLD.collection_id, OLD.row_id, 0);
        END;
        """,
        // 13: cameras (settings as JSON; credentials sealed inside it) and the status their workers report.
        """
        CREATE TABLE cameras (
            name TEXT PRIMARY KEY NOT NULL,
            settings TEXT NOT NULL,
            created_by TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE camera_status (
            camera TEXT PRIMARY KEY NOT NULL REFERENCES cameras(name) ON DELETE CASCADE,
            state TEXT NOT NULL,
            reason TEXT,
            measured_fps REAL NOT NULL,
            frames_received INTEGER NOT NULL,
            frames_analysed INTEGER NOT NULL,
            frames_dropped INTEGER NOT NULL,
            frames_with_motion INTEGER NOT NULL,
            restarts INTEGER NOT NULL,
            width INTEGER,
            height INTEGER,
            last_frame_at INTEGER,
            updated_at INTEGER NOT NULL,
            node TEXT NOT NULL
        );
        """,
        // 14: live events (zones entered as a JSON array).
        """
        CREATE TABLE live_events (
            id TEXT PRIMARY KEY NOT NULL,
            camera TEXT NOT NULL,
            label TEXT NOT NULL,
            score REAL NOT NULL,
            top_score REAL NOT NULL,
            box_left REAL NOT NULL,
            box_top REAL NOT NULL,
            box_width REAL NOT NULL,
            box_height REAL NOT NULL,
            zones TEXT NOT NULL,
            start_time INTEGER NOT NULL,
            end_time INTEGER,
            has_snapshot INTEGER NOT NULL,
            has_clip INTEGER NOT NULL,
            stationary INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX live_events_by_start ON live_events(start_time);
        CREATE INDEX live_events_by_camera ON live_events(camera, start_time);
        """,
        // 15: authorizations for live face search (the record as JSON; revocation also as a column).
        """
        CREATE TABLE live_authorizations (
            id TEXT PRIMARY KEY NOT NULL,
            document TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            revoked_at INTEGER
        );
        """,
        // 16: Rekognition stream processors (the record as JSON; its status also as a column for conditional updates).
        """
        CREATE TABLE stream_processors (
            name TEXT PRIMARY KEY NOT NULL,
            document TEXT NOT NULL,
            status TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        """,
        // 17: events filed under a case (a legal hold on it keeps them past retention).
        """
        ALTER TABLE live_events ADD COLUMN case_id TEXT;
        CREATE INDEX live_events_by_case ON live_events(case_id) WHERE case_id IS NOT NULL;
        """,
        // 18: alert rules for cameras and zones with email and SMS channels (lists as JSON arrays; '' for no webhook),
        // and one alert per channel with the zones its event was in.
        """
        ALTER TABLE alert_rules ADD COLUMN cameras TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE alert_rules ADD COLUMN zones TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE alert_rules ADD COLUMN emails TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE alert_rules ADD COLUMN sms TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE alerts ADD COLUMN channel TEXT NOT NULL DEFAULT 'webhook';
        ALTER TABLE alerts ADD COLUMN zones TEXT NOT NULL DEFAULT '[]';
        """,
        // 19: the plate read of a hotlist hit seen on a camera (no other read is stored).
        """
        ALTER TABLE live_events ADD COLUMN plate TEXT;
        """,
        // 20: console sessions (the token's SHA-256, never the token).
        """
        CREATE TABLE web_sessions (
            token_hash TEXT PRIMARY KEY NOT NULL,
            access_key_id TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            revoked_at INTEGER
        );
        CREATE INDEX web_sessions_by_expiry ON web_sessions(expires_at);
        """,
        // 21: what people did about events (acknowledged, escalated, notes), in order.
        """
        CREATE TABLE event_actions (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id TEXT NOT NULL,
            action TEXT NOT NULL,
            actor TEXT NOT NULL,
            at INTEGER NOT NULL,
            note TEXT
        );
        CREATE INDEX event_actions_by_event ON event_actions(event_id, seq);
        """,
        // 22: images for the people who review matches: each indexed face's own crop (deleted with the face), and the
        // searched face of a search that made leads (kept while a lead points at it).
        """
        CREATE TABLE face_images (
            row_id INTEGER PRIMARY KEY NOT NULL REFERENCES faces(row_id) ON DELETE CASCADE,
            jpeg BLOB NOT NULL
        );
        CREATE TABLE probe_images (
            sha TEXT PRIMARY KEY NOT NULL,
            jpeg BLOB NOT NULL
        );
        ALTER TABLE leads ADD COLUMN probe_sha TEXT;
        CREATE INDEX leads_by_probe ON leads(probe_sha) WHERE probe_sha IS NOT NULL;
        CREATE TRIGGER probe_images_follow_leads AFTER DELETE ON leads WHEN OLD.probe_sha IS NOT NULL
        BEGIN
            DELETE FROM probe_images WHERE sha = OLD.probe_sha AND NOT EXISTS (SELECT 1 FROM leads WHERE probe_sha = OLD.probe_sha);
        END;
        """,
        // 23: a job is run by whoever holds its lease (a node of a cluster sharing the database), until it runs out.
        """
        ALTER TABLE video_jobs ADD COLUMN lease_holder TEXT;
        ALTER TABLE video_jobs ADD COLUMN lease_expires_at INTEGER;
        """,
        // 24: work done once for the whole database (retention sweeps), by whoever holds its lease.
        """
        CREATE TABLE work_leases (
            work TEXT PRIMARY KEY NOT NULL,
            holder TEXT NOT NULL,
            expires_at INTEGER NOT NULL
        );
        """,
        // 25: a job's results in the database, where every server sharing it reads them.
        """
        CREATE TABLE video_job_results (
            job_id TEXT PRIMARY KEY NOT NULL REFERENCES video_jobs(id) ON DELETE CASCADE,
            results TEXT NOT NULL
        );
        """,
        // 26: the node that raised each alert delivers it; a survivor takes a dead node's queued alerts over.
        """
        ALTER TABLE alerts ADD COLUMN node TEXT NOT NULL DEFAULT '';
        CREATE INDEX alerts_queued_by_node ON alerts(node, created_at) WHERE status = 'queued';
        """,
    ];

    public static int Latest => s_steps.Length;

    /// <summary>
    /// Brings the schema up to <see cref="Latest"/>, one step per IMMEDIATE transaction that reads the version it
    /// starts from: processes opening a fresh file at once (a server and a CLI command) take turns, and a step another
    /// process applied meanwhile is not applied twice.
    /// </summary>
    public static void Apply(SqliteConnection connection)
    {
        while (true)
        {
            using var tx = connection.BeginTransaction(deferred: false);
            int version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version;", tx), System.Globalization.CultureInfo.InvariantCulture);
            if (version > Latest)
                throw new SightlineException(ErrorKind.Internal, $"The database schema is version {version}, newer than this build understands ({Latest}). Use a newer Sightline.");
            if (version == Latest)
            {
                tx.Commit();
                return;
            }
            using (var cmd = connection.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = s_steps[version] + $"\nPRAGMA user_version = {version + 1};";
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
        }
    }

    private static object? Scalar(SqliteConnection connection, string sql, SqliteTransaction tx)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }
}
