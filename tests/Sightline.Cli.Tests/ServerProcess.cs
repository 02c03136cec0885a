using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Sightline.Cli.Tests;

/// <summary>The real server as a child process on a free loopback port, with a fresh data directory and one key per role.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri address, TempDir data, IReadOnlyDictionary<string, (string Id, string Secret)> keys, string[] extraArgs, bool ownsData)
    {
        _ownsData = ownsData;
        _extraArgs = extraArgs;
        _process = process;
        Address = address;
        Data = data;
        Keys = keys;
    }

    public Uri Address { get; }

    public TempDir Data { get; }

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public IReadOnlyDictionary<string, (string Id, string Secret)> Keys { get; }

    private readonly string[] _extraArgs = [];

    /// <summary>The --database the server was started with, when given.</summary>
    public string? Database => Array.IndexOf(_extraArgs, "--database") is int at and >= 0 && at + 1 < _extraArgs.Length ? _extraArgs[at + 1] : null;

    // A peer shares its first server's data directory: only the first removes it.
    private readonly bool _ownsData;

    private System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

    /// <summary>Everything the server has written to its console so far.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Set SIGHTLINE_TEST_SERVER_LOG=FILE to keep the servers' output when a test needs explaining.</summary>
    private static readonly object s_logLock = new();

    public static Task<ServerProcess> StartAsync(params string[] extraArgs) => StartOnAsync(null, extraArgs);

    /// <summary>A server on <paramref name="database"/> (keys provisioned in its data directory first), or on the suite's database when null.</summary>
    public static async Task<ServerProcess> StartOnAsync(string? database, params string[] extraArgs)
    {
        SightlineCli.Fixture("sample1");
        var data = new TempDir();
        string[] on = database is null ? [] : ["--database", database];
        if (database is not null)
            Assert.Equal(0, SightlineCli.Run("--secrets", Path.Combine(data.Path, "secrets"), "secrets", "init").ExitCode);
        var keys = new Dictionary<string, (string, string)>();
        foreach (string role in new[] { "admin", "operator", "analyst", "auditor", "reviewer" })
        {
            // Every key carries a default case and purpose, so searches pass the default policy (which the tests also exercise).
            var key = SightlineCli.Run([.. on, "keys", "create", "--role", role, "--default-case", "TEST-1", "--default-purpose", "investigation", "--json", "--data", data.Path]).Json();
            keys[role] = (key.GetProperty("accessKeyId").GetString()!, key.GetProperty("secretAccessKey").GetString()!);
        }
        return await LaunchAsync(data, keys, [.. extraArgs, .. on], ownsData: true);
    }

    /// <summary>A second server on the same data directory, database and keys (another node beside this one), on its own port.</summary>
    public Task<ServerProcess> StartPeerAsync(params string[] extraArgs) => LaunchAsync(Data, Keys, extraArgs, ownsData: false);

    /// <summary>
    /// Another server with the same keys on a data directory of its own (removed with it): another machine. Give it the
    /// shared database and secrets (<c>--database</c>, <c>--secrets</c>).
    /// </summary>
    public Task<ServerProcess> StartPeerWithOwnDataAsync(params string[] extraArgs) => LaunchAsync(new TempDir(), Keys, extraArgs, ownsData: true);

    /// <summary>Kills the process with SIGKILL (no shutdown at all), leaving its data.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>Kills the process with SIGKILL (no shutdown at all) and starts a new one on the same data and keys.</summary>
    public async Task<ServerProcess> KillAndRestartAsync()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
        Http.Dispose();
        return await LaunchAsync(Data, Keys, _extraArgs, _ownsData);
    }

    /// <summary>
    /// Stops the process as an orderly shutdown does (SIGTERM, as systemd or Kubernetes stop a service; SIGKILL only if
    /// it has not exited within a minute) and starts a new one on the same data, keys and arguments.
    /// </summary>
    public async Task<ServerProcess> StopAndRestartAsync()
    {
        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            term.WaitForExit();
        if (!_process.WaitForExit(60_000))
            _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
        Http.Dispose();
        Interlocked.Exchange(ref _disposed, 1);
        return await LaunchAsync(Data, Keys, _extraArgs, _ownsData);
    }

    private static async Task<ServerProcess> LaunchAsync(TempDir data, IReadOnlyDictionary<string, (string Id, string Secret)> keys, string[] extraArgs, bool ownsData)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort()}/");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // The tests' webhook receivers and S3 endpoints listen on loopback, which an operator must allow by name.
        string[] outbound = extraArgs.Contains("--allow-outbound") ? [] : ["--allow-outbound", "127.0.0.1"];
        // Servers run side by side in the tests: the MQTT feed only where a test asks for it (the default port is one).
        string[] mqtt = extraArgs.Contains("--mqtt") ? [] : ["--mqtt", "off"];
        foreach (var a in new[] { SightlineCli.Dll, "serve", "--urls", address.ToString().TrimEnd('/'), "--data", data.Path }.Concat(outbound).Concat(mqtt).Concat(extraArgs))
            psi.ArgumentList.Add(a);
        if (!extraArgs.Contains("--database") && Sightline.Tests.TestDatabase.For(data.Path) is { } database)
        {
            psi.ArgumentList.Add("--database");
            psi.ArgumentList.Add(database);
        }
        var process = Process.Start(psi)!;
        var log = Environment.GetEnvironmentVariable("SIGHTLINE_TEST_SERVER_LOG");
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void Keep(string? line)
        {
            if (line is null)
                return;
            output.Enqueue(line);
            if (log is not null)
                lock (s_logLock) File.AppendAllText(log, line + "\n");
        }
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, address, data, keys, extraArgs, ownsData) { _output = output };
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await server.Http.GetAsync(new Uri(address, "readyz"))).IsSuccessStatusCode)
                    return server;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(250);
        }
        await server.DisposeAsync();
        throw new Xunit.Sdk.XunitException("the server did not become ready within 120 s");
    }

    /// <summary>
    /// Raises every role's per-key rate limit far beyond what a test can send (a campaign that sends hundreds of
    /// requests a second is about what each request gets, not about throttling). Call before the first signed request:
    /// the server reads the policy then.
    /// </summary>
    public async Task LiftRateLimitsAsync() =>
        await Task.WhenAll(Storage.Policy.RateLimitedRoles.Select(role => Task.Run(() =>
            Assert.Equal(0, SightlineCli.Run("--data", Data.Path, "policy", "set", Storage.RateLimit.KeyFor(role), "100000/1000000").ExitCode))));

    public string Bearer(string role) => $"{Keys[role].Id}:{Keys[role].Secret}";

    /// <summary>A native API call as <paramref name="role"/> (no credentials when empty); a JSON body is parsed, any other is kept as text.</summary>
    public async Task<Reply> SendAsync(HttpMethod method, string path, string role = "admin", HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(Address, path)) { Content = content };
        if (role.Length > 0)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Bearer(role));
        using var response = await Http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        string? type = response.Content.Headers.ContentType?.MediaType;
        var body = text.Length > 0 && type is not null && type.Contains("json", StringComparison.Ordinal) ? JsonDocument.Parse(text).RootElement.Clone() : default;
        return new Reply(response.StatusCode, body, type, text);
    }

    /// <summary>A native API GET of a binary resource (an image) as <paramref name="role"/>: status and bytes.</summary>
    public async Task<(HttpStatusCode Status, byte[] Bytes, string? ContentType)> GetBytesAsync(string path, string role = "admin")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Address, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Bearer(role));
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>An AWS JSON 1.1 call signed with Signature Version 4 as the SDKs sign it; <paramref name="role"/> null sends it unsigned.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> CallAwsAsync(string operation, object body, string? role = "admin", DateTimeOffset? signedAt = null,
        IReadOnlyDictionary<string, string>? extraHeaders = null)
    {
        var (status, text) = await SendAwsAsync(operation, JsonSerializer.SerializeToUtf8Bytes(body), role, signedAt, extraHeaders);
        return (status, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Any body bytes (malformed JSON included), signed as the SDKs sign; the answer's status and text.</summary>
    public async Task<(HttpStatusCode Status, string Text)> SendAwsAsync(string operation, byte[] bytes, string? role = "admin", DateTimeOffset? signedAt = null,
        IReadOnlyDictionary<string, string>? extraHeaders = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Address) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        request.Headers.Add("X-Amz-Target", "RekognitionService." + operation);
        foreach (var (name, value) in extraHeaders ?? new Dictionary<string, string>())
            request.Headers.Add(name, value);
        if (role is not null)
        {
            var headers = new Dictionary<string, string>
            {
                ["host"] = Address.Authority,
                ["content-type"] = "application/x-amz-json-1.1",
                ["x-amz-target"] = "RekognitionService." + operation,
            };
            var signable = new Sightline.Access.SignableRequest("POST", "/", null, headers, bytes);
            foreach (var (name, value) in Sightline.Access.SigV4.Sign(signable, Keys[role].Id, Keys[role].Secret, "eu-west-1", "rekognition", signedAt ?? DateTimeOffset.UtcNow))
                request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Xunit.Assert.True(response.Headers.Contains("x-amzn-RequestId"));
        return (response.StatusCode, text);
    }

    public static StringContent Json(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    public static ByteArrayContent Jpeg(string fixture)
    {
        var content = new ByteArrayContent(File.ReadAllBytes(SightlineCli.Fixture(fixture)));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return content;
    }

    private int _disposed;

    /// <summary>Runs every stop (servers, sources, brokers) even when one fails, then throws what failed.</summary>
    public static async Task StopAllAsync(IEnumerable<Func<ValueTask>> stops)
    {
        var failures = new List<Exception>();
        foreach (var stop in stops)
        {
            try
            {
                await stop();
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                failures.Add(ex);
            }
        }
        if (failures.Count > 0)
            throw new AggregateException(failures);
    }

    internal static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Stops the server (and its children) and frees what it held; never throws, however often called, so a test's clean-up of several servers stops them all.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return ValueTask.CompletedTask;
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // already gone (a test killed it)
        }
        _process.Dispose();
        Http.Dispose();
        if (_ownsData)
            Data.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A native API answer: status, parsed JSON body (default when none), media type and raw text.</summary>
public sealed record Reply(HttpStatusCode Status, JsonElement Body, string? ContentType, string Text)
{
    public void Deconstruct(out HttpStatusCode status, out JsonElement body) => (status, body) = (Status, Body);

    public void Deconstruct(out HttpStatusCode status, out JsonElement body, out string? contentType) => (status, body, contentType) = (Status, Body, ContentType);
}
