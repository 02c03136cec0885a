using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sightline.Cli.Tests;

/// <summary>
/// Debian's Firefox ESR, headless, driven over WebDriver BiDi (which Firefox speaks itself, no driver in between):
/// navigate, evaluate script in the page, wait for a condition, take a screenshot. Enough to check the console works
/// in Firefox as it does in Chromium.
/// </summary>
internal sealed class FirefoxBidi : IAsyncDisposable
{
    private readonly Process _firefox;
    private readonly string _profile;
    private ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _reader = Task.CompletedTask;
    private string _context = "";
    private int _next;

    private FirefoxBidi(Process firefox, string profile) => (_firefox, _profile) = (firefox, profile);

    public static async Task<FirefoxBidi> LaunchAsync()
    {
        string profile = Directory.CreateTempSubdirectory("sightline-firefox-").FullName;
        // Quiet, offline-friendly profile: no first-run pages, updates, telemetry or safe-browsing lookups.
        await File.WriteAllTextAsync(Path.Combine(profile, "user.js"), string.Join('\n',
            "user_pref(\"browser.shell.checkDefaultBrowser\", false);",
            "user_pref(\"app.update.enabled\", false);",
            "user_pref(\"datareporting.policy.dataSubmissionEnabled\", false);",
            "user_pref(\"toolkit.telemetry.enabled\", false);",
            "user_pref(\"browser.safebrowsing.malware.enabled\", false);",
            "user_pref(\"browser.safebrowsing.phishing.enabled\", false);",
            "user_pref(\"network.captive-portal-service.enabled\", false);",
            "user_pref(\"media.autoplay.default\", 0);"));
        int port = ServerProcess.FreePort();
        var psi = new ProcessStartInfo("firefox-esr") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--headless", "--no-remote", "--profile", profile, "--remote-debugging-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "about:blank" })
            psi.ArgumentList.Add(a);
        psi.Environment["MOZ_HEADLESS"] = "1";
        var firefox = Process.Start(psi) ?? throw new InvalidOperationException("firefox-esr did not start (scripts/setup.sh installs it)");
        _ = firefox.StandardOutput.ReadToEndAsync();
        _ = firefox.StandardError.ReadToEndAsync();
        var bidi = new FirefoxBidi(firefox, profile);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await bidi._socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/session"), CancellationToken.None);
                break;
            }
            catch (WebSocketException) when (DateTime.UtcNow < deadline && !firefox.HasExited)
            {
                await Task.Delay(250);
                bidi._socket.Dispose();
                bidi._socket = new ClientWebSocket(); // a socket that failed to connect cannot be used again
            }
        }
        bidi._reader = Task.Run(bidi.ReadAsync);
        await bidi.SendAsync("session.new", new JsonObject { ["capabilities"] = new JsonObject() });
        var tree = await bidi.SendAsync("browsingContext.getTree", new JsonObject());
        bidi._context = tree.GetProperty("contexts")[0].GetProperty("context").GetString()!;
        return bidi;
    }

    public Task NavigateAsync(Uri url) =>
        SendAsync("browsingContext.navigate", new JsonObject { ["context"] = _context, ["url"] = url.ToString(), ["wait"] = "complete" });

    /// <summary>Evaluates <paramref name="expression"/> in the page (promises awaited); its value as BiDi serialises it.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var reply = await SendAsync("script.evaluate", new JsonObject
        {
            ["expression"] = expression,
            ["target"] = new JsonObject { ["context"] = _context },
            ["awaitPromise"] = true,
        });
        if (reply.GetProperty("type").GetString() == "exception")
            throw new InvalidOperationException("Script failed in Firefox: " + reply.GetProperty("exceptionDetails").GetProperty("text").GetString());
        return reply.GetProperty("result");
    }

    public async Task<string?> TextAsync(string expression) =>
        await EvaluateAsync(expression) is { } r && r.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Polls <paramref name="condition"/> (a JavaScript expression) until it is true.</summary>
    public async Task WaitForAsync(string condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var r = await EvaluateAsync($"(() => {{ try {{ return !!({condition}); }} catch {{ return false; }} }})()");
            if (r.GetProperty("value").GetBoolean())
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Firefox: {what} did not happen within {timeout.TotalSeconds:0} s. The page says: "
                    + await TextAsync("document.body.innerText.slice(0, 600)"));
            await Task.Delay(200);
        }
    }

    /// <summary>Sets an input's value as typing would (an input event for the page's handlers).</summary>
    public Task FillAsync(string selector, string value) => EvaluateAsync(
        $"(() => {{ const e = document.querySelector({JsonSerializer.Serialize(selector)}); e.value = {JsonSerializer.Serialize(value)}; e.dispatchEvent(new Event('input', {{ bubbles: true }})); }})()");

    public Task ClickAsync(string selector) => EvaluateAsync($"document.querySelector({JsonSerializer.Serialize(selector)}).click()");

    public async Task ScreenshotAsync(string path)
    {
        var shot = await SendAsync("browsingContext.captureScreenshot", new JsonObject { ["context"] = _context });
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(shot.GetProperty("data").GetString()!));
    }

    public Task SetViewportAsync(int width, int height) => SendAsync("browsingContext.setViewport", new JsonObject
    {
        ["context"] = _context,
        ["viewport"] = new JsonObject { ["width"] = width, ["height"] = height },
    });

    private async Task<JsonElement> SendAsync(string method, JsonObject parameters)
    {
        int id = Interlocked.Increment(ref _next);
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        byte[] message = Encoding.UTF8.GetBytes(new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters }.ToJsonString());
        await _socket.SendAsync(message, WebSocketMessageType.Text, true, CancellationToken.None);
        return await reply.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 20];
        using var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                    break;
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                    continue;
                using var doc = JsonDocument.Parse(message.ToArray());
                message.SetLength(0);
                var root = doc.RootElement;
                if (!root.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.Number || !_pending.TryRemove(idElement.GetInt32(), out var waiting))
                    continue; // an event
                if (root.GetProperty("type").GetString() == "error")
                    waiting.TrySetException(new InvalidOperationException($"Firefox: {root.GetProperty("error").GetString()}: {root.GetProperty("message").GetString()}"));
                else
                    waiting.TrySetResult(root.GetProperty("result").Clone());
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // closing
        }
        foreach (var waiting in _pending.Values)
            waiting.TrySetCanceled();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
                await SendAsync("session.end", new JsonObject()).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or WebSocketException or TaskCanceledException)
        {
            // the browser goes either way
        }
        await _stop.CancelAsync();
        try
        {
            _firefox.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
        await _firefox.WaitForExitAsync();
        await _reader;
        _socket.Dispose();
        _firefox.Dispose();
        _stop.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
