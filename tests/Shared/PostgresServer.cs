using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Sightline.Tests;

/// <summary>
/// A throw-away PostgreSQL server for tests, from Debian's <c>postgresql</c> package (binaries under
/// <c>/usr/lib/postgresql/VERSION/bin</c>): <c>initdb</c> into a temporary directory, then <c>pg_ctl start</c> on a free
/// loopback port (<c>listen_addresses=127.0.0.1</c>, its unix socket in the same directory, <c>fsync=on</c>). As root
/// (CI runs as root) the directory is given to the package's <c>postgres</c> system user and initdb and the server run
/// as that user (PostgreSQL refuses to run as root). Trust authentication on loopback only; the superuser is
/// <c>postgres</c>, and <see cref="AppUser"/> is an ordinary login role that owns the databases made with
/// <see cref="CreateDatabase"/>. Disposing stops the server and deletes the directory. With PostgreSQL missing it
/// fails, naming <c>./scripts/setup.sh</c>: a test that needs it never passes silently without it.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    public const string Superuser = "postgres";
    public const string AppUser = "sightline";
    public const string PackageRoot = "/usr/lib/postgresql";

    private readonly string _bin;
    private readonly string _root;
    private readonly string _data;
    private readonly bool _asPostgresUser = Environment.IsPrivilegedProcess;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string> _databases = new(StringComparer.Ordinal);
    private bool _started;

    public PostgresServer()
    {
        _bin = FindBinaries(PackageRoot);
        if (_asPostgresUser && !File.ReadLines("/etc/passwd").Any(l => l.StartsWith("postgres:", StringComparison.Ordinal)))
            throw new InvalidOperationException("PostgreSQL refuses to run as root and there is no 'postgres' system user to run it as: run ./scripts/setup.sh (Debian's postgresql package creates the user).");
        _root = Directory.CreateTempSubdirectory("sightline-pg-").FullName;
        _data = Path.Combine(_root, "data");
        try
        {
            if (_asPostgresUser)
                Run("chown", ["-R", "postgres:postgres", _root], asPostgres: false);
            Run(Path.Combine(_bin, "initdb"), ["-D", _data, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"]);
            for (int attempt = 1; ; attempt++)
            {
                Port = FreePort();
                try
                {
                    Run(Path.Combine(_bin, "pg_ctl"), ["-D", _data, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60", "-o",
                        $"-c listen_addresses=127.0.0.1 -p {Port} -k {_root} -c fsync=on -c max_connections=200", "start"]);
                    _started = true;
                    break;
                }
                catch (InvalidOperationException) when (attempt < 3)
                {
                    // The port was taken between finding it and binding it: try another.
                }
            }
            using var connection = new NpgsqlConnection(SuperuserConnectionString("postgres"));
            connection.Open();
            using var cmd = new NpgsqlCommand($"CREATE ROLE {AppUser} LOGIN;", connection);
            cmd.ExecuteNonQuery();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int Port { get; private set; }

    /// <summary>The highest installed version's bin directory under <paramref name="root"/>; fails naming the setup script when there is none.</summary>
    public static string FindBinaries(string root)
    {
        var bins = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out int v) ? v : -1))
                .Where(b => File.Exists(Path.Combine(b.Dir, "initdb")) && File.Exists(Path.Combine(b.Dir, "pg_ctl")))
                .OrderByDescending(b => b.Version)
                .ToList()
            : [];
        return bins.Count > 0 ? bins[0].Dir
            : throw new InvalidOperationException($"PostgreSQL is not installed (no {root}/*/bin/initdb): run ./scripts/setup.sh, which installs Debian's postgresql package.");
    }

    /// <summary>
    /// The database <paramref name="name"/> (made on first call, owned by <see cref="AppUser"/>), as a connection string for
    /// that role: one per test class.
    /// </summary>
    public string CreateDatabase(string name)
    {
        lock (_lock)
        {
            if (!_databases.TryGetValue(name, out string? connectionString))
            {
                using var connection = new NpgsqlConnection(SuperuserConnectionString("postgres"));
                connection.Open();
                using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\" OWNER {AppUser};", connection);
                cmd.ExecuteNonQuery();
                connectionString = ConnectionString(name, AppUser);
                _databases[name] = connectionString;
            }
            return connectionString;
        }
    }

    public string SuperuserConnectionString(string database) => ConnectionString(database, Superuser, pooling: false);

    private string ConnectionString(string database, string user, bool pooling = true) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Database = database, Username = user, Pooling = pooling, Timeout = 30 }.ConnectionString;

    public void Dispose()
    {
        if (_started)
        {
            _started = false;
            NpgsqlConnection.ClearAllPools();
            try
            {
                Run(Path.Combine(_bin, "pg_ctl"), ["-D", _data, "-m", "fast", "-w", "-t", "60", "stop"]);
            }
            catch (InvalidOperationException)
            {
                Run(Path.Combine(_bin, "pg_ctl"), ["-D", _data, "-m", "immediate", "-w", "stop"]);
            }
        }
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Runs a program to its end (as the postgres user when we are root); throws with its output when it fails.</summary>
    private void Run(string program, IReadOnlyList<string> args, bool asPostgres = true)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _root };
        if (asPostgres && _asPostgresUser)
        {
            // setpriv execs the program itself (no extra process in between) with the postgres user's ids and groups.
            start.FileName = "setpriv";
            foreach (string a in new[] { "--reuid=postgres", "--regid=postgres", "--init-groups", "--", program })
                start.ArgumentList.Add(a);
            start.Environment["HOME"] = _root;
        }
        else
        {
            start.FileName = program;
        }
        foreach (string a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} did not finish within 2 minutes");
        }
        if (process.ExitCode != 0)
        {
            string log = Path.Combine(_root, "server.log");
            string tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(20)) : "";
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', args)} failed ({process.ExitCode}):\n{stdout}\n{stderr.Result}\n{tail}");
        }
    }
}
