using System.Text.Json;

namespace Sightline.Cli.Tests;

/// <summary>
/// The store is chosen by configuration: <c>--database</c> (or $SIGHTLINE_DATABASE) on every command that opens it,
/// the embedded SQLite file under --data by default, and a value that names no usable database is refused up front.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class DatabaseOptionTests
{
    [Fact]
    public void Every_command_reads_and_writes_the_database_it_is_given()
    {
        using var dir = new TempDir();
        string data = Path.Combine(dir.Path, "data"), db = Path.Combine(dir.Path, "elsewhere", "agency.db");
        var created = SightlineCli.Run("--data", data, "--database", "sqlite:" + db, "collections", "create", "booking", "--json");
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.True(File.Exists(db), "the named database file holds the collection");
        Assert.False(File.Exists(Path.Combine(data, "sightline.db")), "nothing is written to the default database");

        // The same database by path, and the default one (empty) when --database is left out.
        var listed = SightlineCli.Run("--data", data, "--database", db, "collections", "list", "--json");
        Assert.Contains("booking", listed.Json().GetProperty("CollectionIds").EnumerateArray().Select(e => e.GetString()));
        var defaults = SightlineCli.Run("--data", data, "collections", "list", "--json");
        Assert.Empty(defaults.Json().GetProperty("CollectionIds").EnumerateArray());

        // Keys and the audit chain live in the same database and verify there.
        var key = SightlineCli.Run("--data", data, "--database", db, "keys", "create", "--role", "analyst", "--json");
        Assert.True(key.ExitCode == 0, key.ToString());
        var audit = SightlineCli.Run("--data", data, "--database", db, "audit", "list", "--json");
        var operations = JsonDocument.Parse(audit.Stdout).RootElement.EnumerateArray().Select(r => r.GetProperty("operation").GetString()).ToList();
        Assert.Contains("cli collections create", operations);
        Assert.Contains("cli keys create", operations);
        Assert.Equal(0, SightlineCli.Run("--data", data, "--database", db, "audit", "verify").ExitCode);
    }

    [Theory]
    [InlineData("mysql://db.example/sightline")]
    [InlineData("Server=db;Uid=x")]
    [InlineData("sqlite:")]
    public void A_database_that_names_nothing_usable_is_bad_input_with_one_line(string database)
    {
        using var dir = new TempDir();
        var r = SightlineCli.Run("--data", dir.Path, "--database", database, "collections", "list");
        Assert.True(r.ExitCode == 2 && r.Stderr.Trim().Split('\n').Length == 1, r.ToString());
        Assert.Contains("database", r.Stderr, StringComparison.OrdinalIgnoreCase);
    }
}
