using Npgsql;

namespace Sightline.Storage.Postgres;

/// <summary>
/// Versioned schema in the connection's first search-path schema. Each step runs once, in its own transaction,
/// recorded in <c>schema_migrations</c>; every transaction first takes one advisory lock, so processes that start
/// together apply each step once, in order. Append new steps; never edit a shipped one. Text keys that are paged or
/// ordered on use the "C" collation, so order is by code point whatever the database's locale (as SQLite orders).
/// </summary>
internal static class PostgresMigrations
{
    /// <summary>The advisory lock key ("sightlin" in ASCII): one lock for every Sightline schema in the cluster.</summary>
    private const long LockKey = 0x73_69_67_68_74_6c_69_6e;

    private static readonly string[] s_steps =
    [
        // 1: collections, faces (embedding stored with the face), users, tags.
        """
        CREATE TABLE collections (
            id text COLLATE "C" PRIMARY KEY,
            arn text NOT NULL,
            face_model_version text NOT NULL,
            created_at bigint NOT NULL
        );
        CREATE TABLE faces (
            row_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            face_id text COLLATE "C" NOT NULL UNIQUE,
            collection_id text COLLATE "C" NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            image_id text NOT NULL,
            external_image_id text,
            box_left real NOT NULL,
            box_top real NOT NULL,
            box_width real NOT NULL,
            box_height real NOT NULL,
            confidence real NOT NULL,
            user_id text COLLATE "C",
            created_at bigint NOT NULL,
            embedding bytea NOT NULL
        );
        CREATE INDEX faces_by_collection ON faces(collection_id, row_id);
        CREATE INDEX faces_by_user ON faces(collection_id, user_id) WHERE user_id IS NOT NULL;
        CREATE INDEX faces_by_age ON faces(collection_id, created_at);
        CREATE TABLE users (
            collection_id text COLLATE "C" NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            user_id text COLLATE "C" NOT NULL,
            created_at bigint NOT NULL,
            client_request_token text,
            PRIMARY KEY (collection_id, user_id)
        );
        CREATE TABLE collection_tags (
            collection_id text COLLATE "C" NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            key text COLLATE "C" NOT NULL,
            value text NOT NULL,
            PRIMARY KEY (collection_id, key)
        );
        """,
        // 2: access keys (salt and secret hash only) and stored-video jobs.
        """
        CREATE TABLE access_keys (
            id text COLLATE "C" PRIMARY KEY,
            role text NOT NULL,
            salt bytea NOT NULL,
            secret_hash bytea NOT NULL,
            created_at bigint NOT NULL,
            revoked_at bigint,
            default_case text,
            default_purpose text,
            description text
        );
        CREATE TABLE video_jobs (
            id text COLLATE "C" PRIMARY KEY,
            kind text NOT NULL,
            status text NOT NULL,
            status_message text,
            request_json text NOT NULL,
            client_request_token text,
            job_tag text,
            created_by text,
            created_at bigint NOT NULL,
            completed_at bigint,
            case_id text,
            purpose text,
            role text
        );
        CREATE UNIQUE INDEX video_jobs_by_token ON video_jobs(kind, client_request_token) WHERE client_request_token IS NOT NULL;
        CREATE INDEX video_jobs_by_status ON video_jobs(status, created_at);
        """,
        // 3: the audit log (hash chain; seals keyed outside the database), append-only by trigger. The head row
        // exists from the start (seq 0: no record yet) so that every append can lock it.
        """
        CREATE TABLE audit_log (
            seq bigint PRIMARY KEY,
            at bigint NOT NULL,
            actor text NOT NULL,
            role text NOT NULL,
            operation text NOT NULL,
            outcome text NOT NULL,
            collection_id text,
            case_id text,
            purpose text,
            threshold text,
            probe text,
            details text,
            prev_hash text NOT NULL,
            hash text NOT NULL
        );
        CREATE INDEX audit_by_case ON audit_log(case_id, seq);
        CREATE INDEX audit_by_time ON audit_log(at);
        CREATE TABLE audit_seals (seq bigint PRIMARY KEY, hash text NOT NULL, mac text NOT NULL);
        CREATE TABLE audit_head (id integer PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL, hash text NOT NULL, mac text NOT NULL);
        INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', '');
        CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the audit log is append-only (% on %)', TG_OP, TG_TABLE_NAME;
        END
        $$;
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_append_only();
        CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
        CREATE TRIGGER audit_seals_no_update BEFORE UPDATE OR DELETE ON audit_seals FOR EACH ROW EXECUTE FUNCTION audit_append_only();
        CREATE TRIGGER audit_seals_no_truncate BEFORE TRUNCATE ON audit_seals FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
        """,
        // 4: policy settings, leads for human review, retention rules and legal holds.
        """
        CREATE TABLE policy (key text COLLATE "C" PRIMARY KEY, value text NOT NULL);
        CREATE TABLE leads (
            id text COLLATE "C" PRIMARY KEY,
            search_seq bigint NOT NULL,
            case_id text COLLATE "C",
            purpose text,
            collection_id text COLLATE "C",
            subject_type text NOT NULL,
            subject_id text COLLATE "C" NOT NULL,
            similarity real NOT NULL,
            searched_by text NOT NULL,
            status text NOT NULL,
            reviewer text,
            note text,
            created_at bigint NOT NULL,
            reviewed_at bigint
        );
        CREATE INDEX leads_by_case ON leads(case_id, status, created_at);
        CREATE INDEX leads_by_status ON leads(status, created_at);
        CREATE INDEX leads_by_collection ON leads(collection_id, created_at);
        CREATE TABLE retention (
            collection_id text COLLATE "C" PRIMARY KEY REFERENCES collections(id) ON DELETE CASCADE,
            face_days integer,
            lead_days integer
        );
        CREATE TABLE legal_holds (
            case_id text COLLATE "C" PRIMARY KEY,
            reason text NOT NULL,
            placed_by text NOT NULL,
            placed_at bigint NOT NULL
        );
        """,
        // 5: custom detectors, alert rules and the alerts they raised (seq keeps insertion order), plate hotlists.
        """
        CREATE TABLE detectors (
            id text COLLATE "C" PRIMARY KEY,
            layout text NOT NULL,
            input_width integer NOT NULL,
            input_height integer NOT NULL,
            labels text NOT NULL,
            sha256 text NOT NULL,
            size_bytes bigint NOT NULL,
            created_by text,
            created_at bigint NOT NULL
        );
        CREATE TABLE alert_rules (
            id text COLLATE "C" PRIMARY KEY,
            label text NOT NULL,
            min_confidence real NOT NULL,
            region_left real,
            region_top real,
            region_width real,
            region_height real,
            webhook_url text NOT NULL,
            secret text NOT NULL,
            created_by text,
            created_at bigint NOT NULL
        );
        CREATE TABLE alerts (
            seq bigint GENERATED ALWAYS AS IDENTITY,
            id text COLLATE "C" PRIMARY KEY,
            rule_id text NOT NULL,
            label text NOT NULL,
            confidence real NOT NULL,
            box_left real NOT NULL,
            box_top real NOT NULL,
            box_width real NOT NULL,
            box_height real NOT NULL,
            source text NOT NULL,
            image_ref text,
            created_at bigint NOT NULL,
            status text NOT NULL,
            attempts integer NOT NULL,
            last_error text,
            delivered_at bigint
        );
        CREATE INDEX alerts_by_time ON alerts(created_at, seq);
        CREATE INDEX alerts_by_status ON alerts(status, created_at);
        CREATE TABLE hotlist_entries (
            list text COLLATE "C" NOT NULL,
            plate text COLLATE "C" NOT NULL,
            reason text NOT NULL,
            expires_at bigint,
            added_by text NOT NULL,
            added_at bigint NOT NULL,
            PRIMARY KEY (list, plate)
        );
        """,
        // 6: the face change log every process follows to keep its vector indexes in step with the database. Triggers
        // write it in the change's transaction; each logging transaction holds a lock (per schema) until it commits,
        // so sequence numbers are in commit order and a follower reading past its last one never skips a late commit.
        """
        CREATE TABLE face_changes (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            collection_id text COLLATE "C" NOT NULL,
            row_id bigint NOT NULL,
            added boolean NOT NULL
        );
        CREATE INDEX face_changes_by_collection ON face_changes(collection_id, seq);
        CREATE FUNCTION faces_log_change() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
        BEGIN
            PERFORM pg_advisory_xact_lock(1936287860, hashtext(TG_TABLE_SCHEMA));
            IF TG_OP = 'INSERT' THEN
                INSERT INTO face_changes (collection_id, row_id, added) VALUES (NEW.collection_id, NEW.row_id, true);
            ELSE
                INSERT INTO face_changes (collection_id, row_id, added) VALUES (OLD.collection_id, OLD.row_id, false);
            END IF;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER faces_log_insert AFTER INSERT ON faces FOR EACH ROW EXECUTE FUNCTION faces_log_change();
        CREATE TRIGGER faces_log_delete AFTER DELETE ON faces FOR EACH ROW EXECUTE FUNCTION faces_log_change();
        """,
        // 7: cameras (settings as JSON; credentials sealed inside it) and the status their workers report.
        """
        CREATE TABLE cameras (
            name text COLLATE "C" PRIMARY KEY,
            settings text NOT NULL,
            created_by text,
            created_at bigint NOT NULL,
            updated_at bigint NOT NULL
        );
        CREATE TABLE camera_status (
            camera text COLLATE "C" PRIMARY KEY REFERENCES cameras(name) ON DELETE CASCADE,
            state text NOT NULL,
            reason text,
            measured_fps double precision NOT NULL,
            frames_received bigint NOT NULL,
            frames_analysed bigint NOT NULL,
            frames_dropped bigint NOT NULL,
            frames_with_motion bigint NOT NULL,
            restarts integer NOT NULL,
            width integer,
            height integer,
            last_frame_at bigint,
            updated_at bigint NOT NULL,
            node text NOT NULL
        );
        """,
        // 8: live events (zones entered as a JSON array).
        """
        CREATE TABLE live_events (
            id text COLLATE "C" PRIMARY KEY,
            camera text COLLATE "C" NOT NULL,
            label text NOT NULL,
            score real NOT NULL,
            top_score real NOT NULL,
            box_left real NOT NULL,
            box_top real NOT NULL,
            box_width real NOT NULL,
            box_height real NOT NULL,
            zones text NOT NULL,
            start_time bigint NOT NULL,
            end_time bigint,
            has_snapshot boolean NOT NULL,
            has_clip boolean NOT NULL,
            stationary boolean NOT NULL,
            updated_at bigint NOT NULL
        );
        CREATE INDEX live_events_by_start ON live_events(start_time);
        CREATE INDEX live_events_by_camera ON live_events(camera, start_time);
        """,
        // 9: authorizations for live face search (the record as JSON; revocation also as a column).
        """
        CREATE TABLE live_authorizations (
            id text PRIMARY KEY,
            document text NOT NULL,
            created_at bigint NOT NULL,
            revoked_at bigint
        );
        """,
        // 10: Rekognition stream processors (the record as JSON; its status also as a column for conditional updates).
        """
        CREATE TABLE stream_processors (
            name text PRIMARY KEY,
            document text NOT NULL,
            status text NOT NULL,
            created_at bigint NOT NULL
        );
        """,
        // 11: events filed under a case (a legal hold on it keeps them past retention).
        """
        ALTER TABLE live_events ADD COLUMN case_id text;
        CREATE INDEX live_events_by_case ON live_events(case_id) WHERE case_id IS NOT NULL;
        """,
        // 12: alert rules for cameras and zones with email and SMS channels (lists as JSON arrays; '' for no webhook),
        // and one alert per channel with the zones its event was in.
        """
        ALTER TABLE alert_rules ADD COLUMN cameras text NOT NULL DEFAULT '[]';
        ALTER TABLE alert_rules ADD COLUMN zones text NOT NULL DEFAULT '[]';
        ALTER TABLE alert_rules ADD COLUMN emails text NOT NULL DEFAULT '[]';
        ALTER TABLE alert_rules ADD COLUMN sms text NOT NULL DEFAULT '[]';
        ALTER TABLE alerts ADD COLUMN channel text NOT NULL DEFAULT 'webhook';
        ALTER TABLE alerts ADD COLUMN zones text NOT NULL DEFAULT '[]';
        """,
        // 13: the plate read of a hotlist hit seen on a camera (no other read is stored).
        """
        ALTER TABLE live_events ADD COLUMN plate text;
        """,
        // 14: console sessions (the token's SHA-256, never the token).
        """
        CREATE TABLE web_sessions (
            token_hash text PRIMARY KEY,
            access_key_id text NOT NULL,
            created_at bigint NOT NULL,
            expires_at bigint NOT NULL,
            revoked_at bigint
        );
        CREATE INDEX web_sessions_by_expiry ON web_sessions(expires_at);
        """,
        // 15: what people did about events (acknowledged, escalated, notes), in order.
        """
        CREATE TABLE event_actions (
            seq bigserial PRIMARY KEY,
            event_id text NOT NULL,
            action text NOT NULL,
            actor text NOT NULL,
            at bigint NOT NULL,
            note text
        );
        CREATE INDEX event_actions_by_event ON event_actions(event_id, seq);
        """,
        // 16: images for the people who review matches: each indexed face's own crop (deleted with the face), and the
        // searched face of a search that made leads (kept while a lead points at it).
        """
        CREATE TABLE face_images (
            row_id bigint PRIMARY KEY REFERENCES faces(row_id) ON DELETE CASCADE,
            jpeg bytea NOT NULL
        );
        CREATE TABLE probe_images (
            sha text COLLATE "C" PRIMARY KEY,
            jpeg bytea NOT NULL
        );
        ALTER TABLE leads ADD COLUMN probe_sha text COLLATE "C";
        CREATE INDEX leads_by_probe ON leads(probe_sha) WHERE probe_sha IS NOT NULL;
        CREATE FUNCTION probe_images_follow_leads() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM probe_images WHERE sha = OLD.probe_sha AND NOT EXISTS (SELECT 1 FROM leads WHERE probe_sha = OLD.probe_sha);
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER probe_images_follow_leads AFTER DELETE ON leads FOR EACH ROW WHEN (OLD.probe_sha IS NOT NULL) EXECUTE FUNCTION probe_images_follow_leads();
        """,
        // 17: a job is run by whoever holds its lease (a node of a cluster sharing the database), until it runs out.
        """
        ALTER TABLE video_jobs ADD COLUMN lease_holder text;
        ALTER TABLE video_jobs ADD COLUMN lease_expires_at bigint;
        """,
        // 18: work done once for the whole database (retention sweeps), by whoever holds its lease.
        """
        CREATE TABLE work_leases (
            work text COLLATE "C" PRIMARY KEY,
            holder text NOT NULL,
            expires_at bigint NOT NULL
        );
        """,
        // 19: a job's results in the database, where every server sharing it reads them.
        """
        CREATE TABLE video_job_results (
            job_id text COLLATE "C" PRIMARY KEY REFERENCES video_jobs(id) ON DELETE CASCADE,
            results text NOT NULL
        );
        """,
        // 20: the nodes of an Orleans cluster ('serve --cluster') and where each collection shard was last loaded. Orleans' ADO.NET clustering reads its statements from
        // OrleansQuery by key and binds parameters and result columns by name (its contract); the tables are ours. A
        // statement that changes membership bumps the table version only when the caller read the current one, so one
        // of two racing writers wins and the other re-reads, as the membership protocol expects.
        """
        CREATE TABLE cluster_membership_version (
            deployment_id text COLLATE "C" PRIMARY KEY,
            version integer NOT NULL DEFAULT 0,
            changed_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE cluster_members (
            deployment_id text COLLATE "C" NOT NULL REFERENCES cluster_membership_version(deployment_id),
            address text NOT NULL,
            port integer NOT NULL,
            generation integer NOT NULL,
            silo_name text NOT NULL,
            host_name text NOT NULL,
            status integer NOT NULL,
            proxy_port integer,
            suspect_times text,
            start_time timestamptz NOT NULL,
            i_am_alive_time timestamptz NOT NULL,
            PRIMARY KEY (deployment_id, address, port, generation)
        );
        CREATE TABLE cluster_shards (
            deployment_id text COLLATE "C" NOT NULL,
            collection_id text COLLATE "C" NOT NULL,
            shard integer NOT NULL,
            shards integer NOT NULL,
            node text NOT NULL,
            faces integer NOT NULL,
            loaded_at timestamptz NOT NULL,
            PRIMARY KEY (deployment_id, collection_id, shard, shards)
        );
        CREATE TABLE OrleansQuery (
            QueryKey varchar(64) PRIMARY KEY,
            QueryText text NOT NULL
        );
        INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
        ('InsertMembershipVersionKey', $q$
            WITH added AS (
                INSERT INTO cluster_membership_version (deployment_id) VALUES (@DeploymentId)
                ON CONFLICT (deployment_id) DO NOTHING RETURNING 1)
            SELECT count(*)::int FROM added;
        $q$),
        ('InsertMembershipKey', $q$
            WITH bumped AS (
                UPDATE cluster_membership_version SET version = version + 1, changed_at = now()
                WHERE deployment_id = @DeploymentId AND version = @Version
                  AND NOT EXISTS (SELECT 1 FROM cluster_members WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
                RETURNING deployment_id),
            added AS (
                INSERT INTO cluster_members (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_time)
                SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime FROM bumped
                RETURNING 1)
            SELECT count(*)::int FROM added;
        $q$),
        ('UpdateMembershipKey', $q$
            WITH bumped AS (
                UPDATE cluster_membership_version SET version = version + 1, changed_at = now()
                WHERE deployment_id = @DeploymentId AND version = @Version
                  AND EXISTS (SELECT 1 FROM cluster_members WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
                RETURNING deployment_id),
            changed AS (
                UPDATE cluster_members m SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
                FROM bumped WHERE m.deployment_id = bumped.deployment_id AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
                RETURNING 1)
            SELECT count(*)::int FROM changed;
        $q$),
        ('UpdateIAmAlivetimeKey', $q$
            UPDATE cluster_members SET i_am_alive_time = @IAmAliveTime
            WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation;
        $q$),
        ('MembershipReadRowKey', $q$
            SELECT v.deployment_id AS DeploymentId, m.address AS Address, m.port AS Port, m.generation AS Generation, m.silo_name AS SiloName,
                   m.host_name AS HostName, m.status AS Status, m.proxy_port AS ProxyPort, m.suspect_times AS SuspectTimes,
                   m.start_time AS StartTime, m.i_am_alive_time AS IAmAliveTime, v.version AS Version
            FROM cluster_membership_version v
            LEFT JOIN cluster_members m ON m.deployment_id = v.deployment_id AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
            WHERE v.deployment_id = @DeploymentId;
        $q$),
        ('MembershipReadAllKey', $q$
            SELECT v.deployment_id AS DeploymentId, m.address AS Address, m.port AS Port, m.generation AS Generation, m.silo_name AS SiloName,
                   m.host_name AS HostName, m.status AS Status, m.proxy_port AS ProxyPort, m.suspect_times AS SuspectTimes,
                   m.start_time AS StartTime, m.i_am_alive_time AS IAmAliveTime, v.version AS Version
            FROM cluster_membership_version v
            LEFT JOIN cluster_members m ON m.deployment_id = v.deployment_id
            WHERE v.deployment_id = @DeploymentId;
        $q$),
        ('DeleteMembershipTableEntriesKey', $q$
            DELETE FROM cluster_members WHERE deployment_id = @DeploymentId;
            DELETE FROM cluster_membership_version WHERE deployment_id = @DeploymentId;
        $q$),
        ('GatewaysQueryKey', $q$
            SELECT address AS Address, proxy_port AS ProxyPort, generation AS Generation
            FROM cluster_members WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0;
        $q$),
        ('CleanupDefunctSiloEntriesKey', $q$
            DELETE FROM cluster_members WHERE deployment_id = @DeploymentId AND i_am_alive_time < @IAmAliveTime AND status <> 3;
        $q$),
        ('CleanupDefunctSiloEntryKey', $q$
            DELETE FROM cluster_members
            WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation AND status = 6;
        $q$);
        """,
        // 21: the node that raised each alert delivers it; a survivor takes a dead node's queued alerts over.
        """
        ALTER TABLE alerts ADD COLUMN node text COLLATE "C" NOT NULL DEFAULT '';
        CREATE INDEX alerts_queued_by_node ON alerts(node, created_at) WHERE status = 'queued';
        """,
        // 22: files every server sharing the database reads (event snapshots, clips and paths, redaction outputs, detector
        // models): a header per file and its content in parts of at most 1 MiB, so no file is ever one buffer. A file is
        // replaced whole in one transaction; its generation (new on each put) names the copy a server caches.
        """
        CREATE SEQUENCE file_generations;
        CREATE TABLE files (
            key text COLLATE "C" PRIMARY KEY,
            generation bigint NOT NULL,
            size bigint NOT NULL,
            written_at bigint NOT NULL
        );
        CREATE TABLE file_parts (
            key text COLLATE "C" NOT NULL REFERENCES files(key) ON DELETE CASCADE,
            part integer NOT NULL,
            data bytea NOT NULL,
            PRIMARY KEY (key, part)
        );
        """,
        // 23: a face's embedding (2 KB at 512 dimensions, past PostgreSQL's 2 KB TOAST threshold) is kept in the face's
        // row rather than out of line: a search's re-rank reads its candidates' embeddings, one row each instead of a
        // row and two TOAST chunks. Rows stored before keep theirs out of line until the table is rewritten
        // (VACUUM FULL faces; docs/operations.md).
        """
        ALTER TABLE faces ALTER COLUMN embedding SET STORAGE MAIN;
        """,
    ];

    public static int Latest => s_steps.Length;

    public static void Apply(NpgsqlConnection connection)
    {
        for (int step = 0; step < Latest; step++)
        {
            using var tx = connection.BeginTransaction();
            Execute(connection, tx, $"SELECT pg_advisory_xact_lock({LockKey});");
            Execute(connection, tx, "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());");
            using (var current = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_migrations;", connection, tx))
            {
                int version = Convert.ToInt32(current.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                if (version > Latest)
                    throw new SightlineException(ErrorKind.Internal, $"The database schema is version {version}, newer than this build understands ({Latest}). Use a newer Sightline.");
                if (version > step)
                {
                    tx.Commit();
                    continue; // applied already, by us earlier or by another process
                }
            }
            Execute(connection, tx, s_steps[step]);
            Execute(connection, tx, $"INSERT INTO schema_migrations (version) VALUES ({step + 1});");
            tx.Commit();
        }
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction tx, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, connection, tx);
        cmd.ExecuteNonQuery();
    }
}
