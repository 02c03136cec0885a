using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Sightline.Storage.Postgres;
using Sightline.Tests;

namespace Sightline.Storage.Tests;

/// <summary>One throw-away PostgreSQL server for every test class that needs one.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL server";
}

/// <summary>
/// The store contract on the PostgreSQL provider: a database for the class, owned by an ordinary login role, and an
/// empty schema in it per test (the provider migrates it on first use), reached through the connection string's search path.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreContractTests(PostgresServer server) : StoreContractTests
{
    private readonly string _connectionString = server.CreateDatabase("store_contract");

    protected override string NewDatabase()
    {
        string schema = "t_" + Guid.NewGuid().ToString("N");
        Superuser(null, $"CREATE SCHEMA {schema} AUTHORIZATION {PostgresServer.AppUser};");
        return new NpgsqlConnectionStringBuilder(_connectionString) { SearchPath = schema }.ConnectionString;
    }

    protected override void AddStorage(IServiceCollection services, string database) => services.AddPostgresStorage(database);

    protected override void AddFileStore(IServiceCollection services, string directory) => services.AddPostgresFileStore(directory);

    /// <summary>As the superuser: the append-only trigger switched off for the statement, and on again.</summary>
    protected override void Tamper(string database, string sql) =>
        Superuser(database, $"ALTER TABLE audit_log DISABLE TRIGGER USER; {sql} ALTER TABLE audit_log ENABLE TRIGGER USER;");

    protected override void ExecuteAsStore(string database, string sql)
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString);
        connection.Open();
        using var cmd = new NpgsqlCommand(sql, connection);
        cmd.ExecuteNonQuery();
    }

    private void Superuser(string? database, string sql)
    {
        var app = new NpgsqlConnectionStringBuilder(database ?? _connectionString);
        var builder = new NpgsqlConnectionStringBuilder(server.SuperuserConnectionString(app.Database!)) { SearchPath = app.SearchPath };
        using var connection = new NpgsqlConnection(builder.ConnectionString);
        connection.Open();
        using var cmd = new NpgsqlCommand(sql, connection);
        cmd.ExecuteNonQuery();
    }

    protected override long CountAsStore(string database, string sql) => Scalar(database, sql);

    private long Scalar(string database, string sql)
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString);
        connection.Open();
        using var cmd = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Stores_starting_together_on_an_empty_database_migrate_it_once()
    {
        var results = await TogetherAsync(4, async _ => await Open().Collections.ListCollectionsAsync(null, 1, Ct));
        Assert.All(results, r => Assert.IsAssignableFrom<IReadOnlyList<CollectionRecord>>(r));
        Assert.Equal(23, Scalar(Database, "SELECT COUNT(*) FROM schema_migrations;"));
        Assert.Equal(23, Scalar(Database, "SELECT MAX(version) FROM schema_migrations;"));
    }

    [Fact]
    public async Task A_faces_embedding_is_kept_in_its_row_not_out_of_line()
    {
        // 512 dimensions are 2 KB, past the TOAST threshold: out of line, a re-rank would read two chunks more per face.
        await S.Collections.CreateCollectionAsync(Tester, "c1", "arn", "6.0", T0, Ct);
        var faces = Enumerable.Range(1, 20).Select(i => Face($"f{i}", i) with { Embedding = [.. Enumerable.Range(0, 512).Select(d => MathF.Sin(i * 7919 + d))] }).ToList();
        var stored = await S.Collections.AddFacesAsync(Tester, "c1", faces, T0, Ct);
        Assert.Equal(0, Scalar(Database, "SELECT pg_relation_size(reltoastrelid) FROM pg_class WHERE oid = 'faces'::regclass;"));
        var read = await S.Collections.GetEmbeddingsAsync([.. stored.Select(f => f.RowId)], Ct);
        foreach (var (face, row) in faces.Zip(stored))
            SameBits(face.Embedding, read[row.RowId]);
    }

    [Fact]
    public async Task A_file_put_by_one_server_is_read_by_another_with_a_data_directory_of_its_own()
    {
        string other = Directory.CreateTempSubdirectory("sightline-contract-other-").FullName;
        try
        {
            var b = Open(other);
            await PutBytesAsync(S.Files, "events/e.jpg", [1, 2, 3]);
            Assert.Equal([1, 2, 3], await ReadAsync(b.Files, "events/e.jpg"));
            Assert.Equal([1, 2, 3], await ReadAsync(b.Files, "events/e.jpg"));

            await PutBytesAsync(S.Files, "events/e.jpg", [4]);
            Assert.Equal([4], await ReadAsync(b.Files, "events/e.jpg"));

            Assert.True(await S.Files.DeleteAsync("events/e.jpg", Ct));
            Assert.Null(await b.Files.TryGetLocalAsync("events/e.jpg", Ct));
            Assert.Empty(Directory.EnumerateFiles(other, "*", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    [Fact]
    public async Task A_server_prunes_its_copies_of_files_replaced_or_deleted_through_another()
    {
        string other = Directory.CreateTempSubdirectory("sightline-contract-other-").FullName;
        try
        {
            var b = Open(other);
            await PutBytesAsync(S.Files, "events/1780000000.123456-abcdef.jpg", [1]);
            await PutBytesAsync(S.Files, "events/1780000000.123456-abcdef.path.json", [2]);
            await PutBytesAsync(S.Files, "redactions/job/output.mp4", [3]);
            var copies = new List<string>();
            foreach (string key in (string[])["events/1780000000.123456-abcdef.jpg", "events/1780000000.123456-abcdef.path.json", "redactions/job/output.mp4"])
                copies.Add((await b.Files.TryGetLocalAsync(key, Ct))!);
            string stray = Path.Combine(other, "events", "left-by-a-crash.jpg.0123.tmp");
            await File.WriteAllBytesAsync(stray, [0], Ct);
            foreach (string path in copies.Append(stray))
                File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-2));
            Assert.Equal(1, await b.Files.PruneAsync(Ct)); // the temporary file only: every copy is current

            await PutBytesAsync(S.Files, "events/1780000000.123456-abcdef.path.json", [4]);
            Assert.True(await S.Files.DeleteAsync("redactions/job/output.mp4", Ct));
            Assert.Equal(2, await b.Files.PruneAsync(Ct));
            Assert.Equal([copies[0]], Directory.EnumerateFiles(other, "*", SearchOption.AllDirectories));
            Assert.Equal(0, await S.Files.PruneAsync(Ct)); // the writer's copies are current
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    [Fact]
    public async Task A_large_file_is_stored_in_parts_of_at_most_one_mebibyte()
    {
        var content = new byte[(5 * PostgresFileStore.PartBytes) + 1];
        new Random(7).NextBytes(content);
        await PutBytesAsync(S.Files, "detectors/big.onnx", content);
        Assert.Equal(6, Scalar(Database, "SELECT COUNT(*) FROM file_parts WHERE key = 'detectors/big.onnx';"));
        Assert.Equal(PostgresFileStore.PartBytes, Scalar(Database, "SELECT MAX(length(data)) FROM file_parts;"));
        await PutBytesAsync(S.Files, "detectors/big.onnx", [9]);
        Assert.Equal(1, Scalar(Database, "SELECT COUNT(*) FROM file_parts WHERE key = 'detectors/big.onnx';"));
    }

    [Fact]
    public async Task A_face_write_waits_for_an_earlier_uncommitted_one_so_the_change_log_is_in_commit_order()
    {
        await S.Collections.CreateCollectionAsync(Tester, "c", "arn", "6.0", T0, Ct);
        using var early = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Database) { Pooling = false }.ConnectionString);
        early.Open();
        var tx = early.BeginTransaction();
        using (var insert = new NpgsqlCommand("INSERT INTO faces (face_id, collection_id, image_id, box_left, box_top, box_width, box_height, confidence, created_at, embedding) VALUES ('early', 'c', 'i', 0, 0, 1, 1, 99, 0, '\\x00');", early, tx))
            insert.ExecuteNonQuery();

        var late = Task.Run(async () => await S.Collections.AddFacesAsync(Tester, "c", [Face("late")], T0, Ct));
        await Task.WhenAny(late, Task.Delay(700));
        Assert.False(late.IsCompleted, "a face write went ahead of an uncommitted earlier one");
        await tx.CommitAsync();
        var added = await late.WaitAsync(TimeSpan.FromSeconds(30));

        var log = (await S.Collections.ReadFaceChangesAsync("c", 0, 10, Ct).ToListAsync(Ct));
        Assert.Equal([(await S.Collections.GetFaceAsync("c", "early", Ct))!.RowId, added[0].RowId], log.Select(x => x.RowId));
        Assert.True(log[0].Seq < log[1].Seq);
    }

    [Fact]
    public async Task A_scratch_store_is_a_schema_of_its_own_dropped_when_disposed()
    {
        var scratch = await S.Scratch.CreateAsync(Ct);
        await scratch.Collections.CreateCollectionAsync(Tester, "eval", "arn", "6.0", T0, Ct);
        const string Count = "SELECT COUNT(*) FROM pg_namespace WHERE nspname LIKE 'sightline_scratch_%';";
        Assert.Equal(1, Scalar(Database, Count));
        await scratch.DisposeAsync();
        await scratch.DisposeAsync();
        Assert.Equal(0, Scalar(Database, Count));
    }

    [Theory]
    [InlineData("postgresql://app:p%40ss%3Aword@db.internal:5433/sightline?sslmode=require&application_name=sightline%20server",
        "db.internal", 5433, "sightline", "app", "p@ss:word")]
    [InlineData("postgres://db/agency", "db", 5432, "agency", null, null)]
    [InlineData("postgresql://u@%2Fvar%2Frun%2Fpostgresql/agency", "/var/run/postgresql", 5432, "agency", "u", null)]
    [InlineData("postgresql:///agency?host=/run/postgresql&user=u&port=5434", "/run/postgresql", 5434, "agency", "u", null)]
    [InlineData("Host=db;Port=6543;Database=agency;Username=u;Password=p", "db", 6543, "agency", "u", "p")]
    public void Connection_strings_are_taken_as_keywords_or_as_a_URI(string given, string host, int port, string database, string? user, string? password)
    {
        var parsed = new NpgsqlConnectionStringBuilder(PostgresConnection.Normalise(given));
        Assert.Equal((host, port, database, user, password), (parsed.Host, parsed.Port, parsed.Database, parsed.Username, parsed.Password));
        Assert.True(PostgresStorage.Accepts(given));
    }

    [Fact]
    public void A_URI_with_TLS_settings_keeps_them_and_nonsense_is_bad_input()
    {
        var parsed = new NpgsqlConnectionStringBuilder(PostgresConnection.Normalise("postgresql://a@[::1]:5433,db2/x?sslmode=verify-full&connect_timeout=7"));
        Assert.Equal((SslMode.VerifyFull, 7, "[::1]:5433,db2"), (parsed.SslMode, parsed.Timeout, parsed.Host));
        Fails(ErrorKind.InvalidParameter, () => PostgresConnection.Normalise("mysql://db/x"));
        Fails(ErrorKind.InvalidParameter, () => PostgresConnection.Normalise("Database=x"));
        Fails(ErrorKind.InvalidParameter, () => PostgresConnection.Normalise("Host=db;Frobnicate=1"));
        Assert.False(PostgresStorage.Accepts("/var/lib/sightline/sightline.db"));
        Assert.False(PostgresStorage.Accepts("Server=db;Uid=x"));
        Assert.False(PostgresStorage.Accepts("mysql://db.example/sightline"));
    }

    /// <summary>A trigger that aborts the first <paramref name="failures"/> policy writes with <paramref name="sqlState"/>, as a lost race would.</summary>
    private void FailPolicyWrites(string sqlState, int failures) =>
        Superuser(Database, $$"""
            CREATE SEQUENCE flaky_writes;
            CREATE FUNCTION flaky_write() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $f$
            BEGIN
                IF nextval('flaky_writes') <= {{failures}} THEN RAISE EXCEPTION 'lost a race' USING ERRCODE = '{{sqlState}}'; END IF;
                RETURN NEW;
            END $f$;
            CREATE TRIGGER flaky BEFORE INSERT OR UPDATE ON policy FOR EACH ROW EXECUTE FUNCTION flaky_write();
            """);

    [Theory]
    [InlineData("40001")]
    [InlineData("40P01")]
    public async Task A_write_that_lost_a_serialization_race_or_deadlock_is_run_again(string sqlState)
    {
        _ = await S.Policy.GetPolicyAsync(Ct); // the schema exists
        FailPolicyWrites(sqlState, failures: 2);
        await S.Policy.SetPolicyAsync(Entry("SetPolicy"), "requireCase", "false", Ct);
        Assert.False((await S.Policy.GetPolicyAsync(Ct)).RequireCase);
        Assert.Single((await AuditLogAsync())); // the failed attempts left no record
        Assert.True((await S.Audit.VerifyAuditAsync(Ct)).Intact);
    }

    [Fact]
    public async Task A_write_that_keeps_losing_races_is_Throttling_and_leaves_nothing()
    {
        _ = await S.Policy.GetPolicyAsync(Ct);
        FailPolicyWrites("40001", failures: 100);
        await FailsAsync(ErrorKind.Throttling, async () => await S.Policy.SetPolicyAsync(Entry("SetPolicy"), "requireCase", "false", Ct));
        Assert.True((await S.Policy.GetPolicyAsync(Ct)).RequireCase);
        Assert.Empty((await AuditLogAsync()));
    }

    [Fact]
    public void A_database_that_cannot_be_reached_is_named_in_the_error()
    {
        var services = new ServiceCollection().AddSingleton(new StoreSecrets(Path.GetTempPath()));
        services.AddPostgresStorage($"postgresql://{PostgresServer.AppUser}@127.0.0.1:{server.Port}/no_such_database");
        using var provider = services.BuildServiceProvider();
        var ex = Fails(ErrorKind.Internal, () => provider.GetRequiredService<IAuditStore>());
        Assert.Contains("no_such_database at 127.0.0.1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_PostgreSQL_installed_the_harness_fails_and_names_the_setup_script()
    {
        string empty = Directory.CreateTempSubdirectory("sightline-no-pg-").FullName;
        try
        {
            var ex = Assert.Throws<InvalidOperationException>(() => PostgresServer.FindBinaries(empty));
            Assert.Contains("./scripts/setup.sh", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }
}
