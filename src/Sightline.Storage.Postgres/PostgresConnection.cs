using System.Globalization;
using Npgsql;

namespace Sightline.Storage.Postgres;

/// <summary>
/// The connection strings the provider takes: Npgsql's keyword form (<c>Host=db;Port=5432;Database=sightline;Username=app;Password=…</c>)
/// or a libpq URI (<c>postgresql://app:secret@db:5432/sightline?sslmode=require</c>, also <c>postgres://</c>), which Npgsql does
/// not parse itself and is converted here.
/// </summary>
public static class PostgresConnection
{
    /// <summary>True for a value that names a PostgreSQL database rather than a SQLite file.</summary>
    public static bool IsPostgres(string database) =>
        database.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || database.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || database.Contains("Host=", StringComparison.OrdinalIgnoreCase);

    /// <summary>The Npgsql keyword form of <paramref name="connectionString"/>; InvalidParameter when it cannot be read.</summary>
    public static string Normalise(string connectionString)
    {
        try
        {
            var builder = connectionString.Contains("://", StringComparison.Ordinal) ? FromUri(connectionString) : new NpgsqlConnectionStringBuilder(connectionString);
            if (string.IsNullOrEmpty(builder.Host))
                throw SightlineException.InvalidParameter("The PostgreSQL connection string names no host (Host=… or postgresql://HOST/…).");
            return builder.ConnectionString;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException or KeyNotFoundException)
        {
            throw new SightlineException(ErrorKind.InvalidParameter, $"Not a PostgreSQL connection string: {ex.Message}", ex);
        }
    }

    /// <summary>postgresql://[user[:password]@][host[:port][,host[:port]…]][/database][?param=value&amp;…]</summary>
    private static NpgsqlConnectionStringBuilder FromUri(string uri)
    {
        int scheme = uri.IndexOf("://", StringComparison.Ordinal);
        string name = uri[..scheme].ToLowerInvariant();
        if (name is not ("postgresql" or "postgres"))
            throw SightlineException.InvalidParameter($"A PostgreSQL URI starts with postgresql:// or postgres://, not {name}://.");
        string rest = uri[(scheme + 3)..];
        string query = "";
        if (rest.IndexOf('?') is int q and >= 0)
            (rest, query) = (rest[..q], rest[(q + 1)..]);
        string path = "";
        if (rest.IndexOf('/') is int slash and >= 0)
            (rest, path) = (rest[..slash], rest[(slash + 1)..]);
        var builder = new NpgsqlConnectionStringBuilder();
        if (rest.LastIndexOf('@') is int at and >= 0)
        {
            string userInfo = rest[..at];
            rest = rest[(at + 1)..];
            int colon = userInfo.IndexOf(':');
            builder.Username = Uri.UnescapeDataString(colon >= 0 ? userInfo[..colon] : userInfo);
            if (colon >= 0)
                builder.Password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
        }
        if (rest.Length > 0)
        {
            string[] hosts = [.. rest.Split(',').Select(Uri.UnescapeDataString)];
            foreach (string host in hosts)
            {
                int portAt = host.LastIndexOf(':');
                if (portAt > host.LastIndexOf(']') && !(int.TryParse(host[(portAt + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int p) && p is > 0 and <= 65535))
                    throw SightlineException.InvalidParameter($"The PostgreSQL URI's port '{host[(portAt + 1)..]}' is not a port number (1-65535).");
            }
            int colon = hosts[0].LastIndexOf(':');
            if (hosts.Length == 1 && colon > hosts[0].LastIndexOf(']'))
                (builder.Host, builder.Port) = (hosts[0][..colon], int.Parse(hosts[0][(colon + 1)..], CultureInfo.InvariantCulture));
            else
                builder.Host = string.Join(',', hosts); // several hosts: Npgsql takes host:port for each
        }
        if (path.Length > 0)
            builder.Database = Uri.UnescapeDataString(path);
        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=');
            string key = Uri.UnescapeDataString(eq >= 0 ? pair[..eq] : pair), value = eq >= 0 ? Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' ')) : "";
            switch (key)
            {
                case "host": builder.Host = value; break; // a unix socket directory, as libpq takes it
                case "port": builder.Port = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "user": builder.Username = value; break;
                case "password": builder.Password = value; break;
                case "dbname": builder.Database = value; break;
                case "sslmode": builder.SslMode = Enum.Parse<SslMode>(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true); break;
                case "application_name": builder.ApplicationName = value; break;
                case "connect_timeout": builder.Timeout = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "target_session_attrs": builder.TargetSessionAttributes = value; break;
                case "options" when value.StartsWith("-c search_path=", StringComparison.Ordinal): builder.SearchPath = value["-c search_path=".Length..]; break;
                default:
                    // Npgsql's own keywords are accepted as they are (search_path, pooling, maximum_pool_size, …).
                    builder[key.Replace('_', ' ')] = value;
                    break;
            }
        }
        return builder;
    }
}
