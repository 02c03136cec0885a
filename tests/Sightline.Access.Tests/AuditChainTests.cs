using Microsoft.Data.Sqlite;
using Sightline.Storage;
using Sightline.Storage.Sqlite;

namespace Sightline.Access.Tests;

/// <summary>The audit chain on the real SQLite store: records commit with their effects, and tampering is caught.</summary>
public sealed class AuditChainTests : IDisposable
{
    private static CancellationToken Ct => CancellationToken.None;

    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-audit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private SqliteCollectionStore Store() => new(Path.Combine(_dir, SqliteCollectionStore.FileName), new StoreSecrets(Path.Combine(_dir, "secrets")));

    private static AuditEntry Search(int i) => new("SLTESTKEY", "analyst", "SearchFacesByImage")
    {
        CollectionId = "booking", Case = $"2026-{i:000}", Purpose = "investigation", Threshold = 99f, Probe = "sha256:" + new string('a', 64),
        Details = $"[{{\"faceId\":\"f{i}\",\"similarity\":99.5}}]",
    };

    /// <summary>Runs raw SQL on the database file with the append-only triggers removed, as an attacker with file access could.</summary>
    private void Tamper(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_dir, SqliteCollectionStore.FileName)};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete; " + sql;
        cmd.ExecuteNonQuery();
    }

    private async Task FillAsync(int n)
    {
        var store = Store();
        for (int i = 1; i <= n; i++)
            Assert.Equal(i, await store.AppendAuditAsync(Search(i), Ct));
    }

    [Fact]
    public async Task An_untouched_chain_verifies_and_reads_back_every_field()
    {
        await FillAsync(250);
        var result = await Store().VerifyAuditAsync(Ct);
        Assert.True(result.Intact, result.Problem);
        Assert.Equal(250, result.Records);
        var record = (await Store().ReadAuditAsync(9, 1, Ct)).Single();
        Assert.Equal(10, record.Seq);
        Assert.Equal(Search(10), record.Entry);
        Assert.Equal((await Store().ReadAuditAsync(8, 1, Ct)).Single().Hash, record.PrevHash);
    }

    [Fact]
    public async Task The_database_itself_refuses_updates_and_deletes_of_audit_rows()
    {
        await FillAsync(3);
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_dir, SqliteCollectionStore.FileName)};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "DELETE FROM audit_log WHERE seq = 2;";
        Assert.Contains("append-only", Assert.Throws<SqliteException>(() => cmd.ExecuteNonQuery()).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UPDATE audit_log SET case_id = '2026-999' WHERE seq = 120;", 120, "altered")]
    [InlineData("UPDATE audit_log SET details = '[]' WHERE seq = 7;", 7, "altered")]
    [InlineData("DELETE FROM audit_log WHERE seq = 50;", 50, "missing")]
    [InlineData("DELETE FROM audit_log WHERE seq >= 240;", 240, "removed")]
    [InlineData("DELETE FROM audit_log WHERE seq = 100;", 100, "missing")]
    public async Task Edits_and_deletions_are_caught_at_the_first_bad_record(string sql, long firstBad, string problem)
    {
        await FillAsync(250);
        Tamper(sql);
        var result = await Store().VerifyAuditAsync(Ct);
        Assert.False(result.Intact);
        Assert.Equal(firstBad, result.FirstBadSeq);
        Assert.Contains(problem, result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reordering_rows_is_caught()
    {
        await FillAsync(30);
        // Swap the content of records 11 and 12, keeping their sequence numbers.
        Tamper("""
            CREATE TEMP TABLE t AS SELECT * FROM audit_log WHERE seq IN (11, 12);
            DELETE FROM audit_log WHERE seq IN (11, 12);
            INSERT INTO audit_log SELECT CASE seq WHEN 11 THEN 12 ELSE 11 END, at, actor, role, operation, outcome, collection_id, case_id, purpose, threshold, probe, details, prev_hash, hash FROM t;
            """);
        var result = await Store().VerifyAuditAsync(Ct);
        Assert.False(result.Intact);
        Assert.Equal(11, result.FirstBadSeq);
    }

    [Fact]
    public async Task A_chain_rewritten_after_an_edit_is_caught_by_the_seals()
    {
        await FillAsync(150);
        // Edit record 5 and recompute every hash after it, as someone without the seal key would.
        var records = await Store().ReadAuditAsync(0, 1000, Ct);
        string prev = AuditChain.Genesis;
        var sql = new System.Text.StringBuilder("DELETE FROM audit_log;");
        foreach (var r in records)
        {
            var entry = r.Seq == 5 ? r.Entry with { Case = "2026-forged" } : r.Entry;
            string hash = AuditChain.Hash(r.Seq, r.At, entry, prev);
            sql.Append($"INSERT INTO audit_log VALUES ({r.Seq}, {r.At.ToUnixTimeMilliseconds()}, '{entry.Actor}', '{entry.Role}', '{entry.Operation}', '{entry.Outcome}', '{entry.CollectionId}', '{entry.Case}', '{entry.Purpose}', '{AuditChain.ThresholdText(entry.Threshold)}', '{entry.Probe}', '{entry.Details}', '{prev}', '{hash}');");
            prev = hash;
        }
        sql.Append($"UPDATE audit_head SET seq = 150, hash = '{prev}';");
        Tamper(sql.ToString());
        var result = await Store().VerifyAuditAsync(Ct);
        Assert.False(result.Intact);
        Assert.Equal(100, result.FirstBadSeq); // the first seal that no longer matches
        Assert.Contains("seal", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_change_and_its_record_commit_together_and_a_failed_change_leaves_neither()
    {
        var store = Store();
        var entry = new AuditEntry("SLOPERATOR", "operator", "CreateCollection") { Case = "2026-001" };
        await store.CreateCollectionAsync(entry, "booking", "arn", "m", DateTimeOffset.UtcNow, Ct);
        await Assert.ThrowsAsync<SightlineException>(async () => await store.CreateCollectionAsync(entry, "booking", "arn", "m", DateTimeOffset.UtcNow, Ct));
        var record = Assert.Single(await store.ReadAuditAsync(0, 10, Ct));
        Assert.Equal(("CreateCollection", "booking", "SLOPERATOR"), (record.Entry.Operation, record.Entry.CollectionId, record.Entry.Actor));
        Assert.True((await store.VerifyAuditAsync(Ct)).Intact);
    }
}
