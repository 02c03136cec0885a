using Sightline.Tests;

namespace Sightline.Cli.Tests;

/// <summary>
/// A shared PostgreSQL database from the CLI: its keys are provisioned once with <c>sightline secrets init</c> and never
/// minted by whichever process starts first, a connection string that cannot be used is one line of bad input, and a
/// server that cannot be reached is named rather than crashed on. (The whole CLI and server suite also runs on
/// PostgreSQL: <c>SIGHTLINE_TEST_DATABASE=postgresql</c>, as <c>./scripts/test.sh</c> does.)
/// </summary>
[Collection(CliCollection.Name)]
[Trait("Store", "Agnostic")] // starts its own PostgreSQL server whichever database the suite runs on: run once
public sealed class PostgresDatabaseTests : IDisposable
{
    private readonly PostgresServer _postgres = new();

    public void Dispose() => _postgres.Dispose();

    [Fact]
    public void A_shared_database_needs_its_keys_provisioned_once_and_then_every_command_uses_them()
    {
        using var dir = new TempDir();
        _postgres.CreateDatabase("provisioned");
        string uri = $"postgresql://{PostgresServer.AppUser}@127.0.0.1:{_postgres.Port}/provisioned";
        string data = Path.Combine(dir.Path, "data"), secrets = Path.Combine(dir.Path, "keys");

        var refused = SightlineCli.Run("--data", data, "--secrets", secrets, "--database", uri, "collections", "create", "booking");
        Assert.True(refused.ExitCode == 2 && refused.Stderr.Trim().Split('\n').Length == 1, refused.ToString());
        Assert.Contains("sightline secrets init", refused.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(secrets) && Directory.EnumerateFiles(secrets).Any(), "no key is minted by a command that opens a shared database");

        var init = SightlineCli.Run("--secrets", secrets, "secrets", "init");
        Assert.True(init.ExitCode == 0, init.ToString());
        var created = init.Stdout.Trim().Split('\n');
        Assert.Equal(4, created.Length);
        Assert.All(created, line => Assert.EndsWith("created", line.Trim(), StringComparison.Ordinal));
        var again = SightlineCli.Run("--secrets", secrets, "secrets", "init");
        Assert.All(again.Stdout.Trim().Split('\n'), line => Assert.EndsWith("kept", line.Trim(), StringComparison.Ordinal));
        var shown = SightlineCli.Run("--secrets", secrets, "secrets", "show");
        Assert.Equal(created.Select(l => l[..^"created".Length].Trim()), shown.Stdout.Trim().Split('\n').Select(l => l.Trim()));

        // With the keys in place the same commands work, by URI and by keywords alike, and the chain verifies.
        var made = SightlineCli.Run("--data", data, "--secrets", secrets, "--database", uri, "collections", "create", "booking");
        Assert.True(made.ExitCode == 0, made.ToString());
        string keywords = $"Host=127.0.0.1;Port={_postgres.Port};Database=provisioned;Username={PostgresServer.AppUser}";
        var listed = SightlineCli.Run("--data", data, "--secrets", secrets, "--database", keywords, "collections", "list", "--json");
        Assert.Contains("booking", listed.Json().GetProperty("CollectionIds").EnumerateArray().Select(e => e.GetString()));
        var key = SightlineCli.Run("--data", data, "--secrets", secrets, "--database", uri, "keys", "create", "--role", "analyst");
        Assert.True(key.ExitCode == 0, key.ToString());
        var verify = SightlineCli.Run("--data", data, "--secrets", secrets, "--database", uri, "audit", "verify");
        Assert.True(verify.ExitCode == 0, verify.ToString());

        // Another process with other keys cannot verify the chain this database holds.
        string other = Path.Combine(dir.Path, "other-keys");
        Assert.Equal(0, SightlineCli.Run("--secrets", other, "secrets", "init").ExitCode);
        var forged = SightlineCli.Run("--data", data, "--secrets", other, "--database", uri, "audit", "verify");
        Assert.NotEqual(0, forged.ExitCode);
    }

    [Theory]
    [InlineData("postgresql://127.0.0.1:notaport/x")]
    [InlineData("Host=;Database=x")]
    [InlineData("postgresql://127.0.0.1/x?sslmode=sometimes")]
    [InlineData("Host=127.0.0.1;Port=1;Database=x;Timeout=2")]
    public void A_database_that_cannot_be_used_is_named_in_one_line(string database)
    {
        using var dir = new TempDir();
        SightlineCli.Run("--secrets", Path.Combine(dir.Path, "secrets"), "secrets", "init");
        var r = SightlineCli.Run("--data", dir.Path, "--database", database, "collections", "list");
        Assert.True(r.ExitCode is 1 or 2 && r.Stderr.Trim().Split('\n').Length == 1, r.ToString());
        Assert.Contains("PostgreSQL", r.Stderr, StringComparison.Ordinal);
    }
}
