using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Sightline.Benchmarks.Live;

/// <summary>
/// A clip played as a live network stream on loopback, as a camera would serve it: MJPEG over HTTP (ffmpeg, started
/// again for each new client, so every connection sees the clip from its start) or RTSP (GStreamer's RTSP server,
/// one pipeline per client from the clip's start). <see cref="StopAsync"/> kills the source as a camera that dies;
/// <see cref="StartAsync"/> brings it back on the same URL. For tests and <c>sightline bench cameras</c>.
/// </summary>
public sealed class LoopbackStream : IAsyncDisposable
{
    private readonly Func<int, ProcessStartInfo> _command;
    private readonly bool _relaunch;
    private readonly Lock _gate = new();
    private Process? _process;
    private CancellationTokenSource? _run;
    private Task? _loop;

    private LoopbackStream(string scheme, string path, Func<int, ProcessStartInfo> command, bool relaunch, int port)
    {
        (_command, _relaunch, Port) = (command, relaunch, port);
        Url = string.Create(CultureInfo.InvariantCulture, $"{scheme}://127.0.0.1:{port}/{path}");
    }

    public string Url { get; }

    public int Port { get; }

    /// <summary>Serves <paramref name="clip"/> as MJPEG over HTTP (multipart/x-mixed-replace) at its own frame rate, looped.</summary>
    public static async Task<LoopbackStream> MjpegAsync(string clip, CancellationToken ct)
    {
        int port = ServerLoad.FreePort();
        var stream = new LoopbackStream("http", "cam.mjpg", p => Ffmpeg("-re", "-stream_loop", "-1", "-i", clip, "-an", "-c:v", "mjpeg", "-q:v", "5",
            "-f", "mpjpeg", "-listen", "1", string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{p}/cam.mjpg")), relaunch: true, port);
        await stream.StartAsync(ct).ConfigureAwait(false);
        return stream;
    }

    /// <summary>
    /// Serves an H.264 MP4 over RTSP (TCP or UDP, as the client asks) with GStreamer's RTSP server; the clip is
    /// looped <paramref name="loops"/> times into a file beside it first (a remux, no re-encoding). Each client gets its
    /// own stream from the start, unless <paramref name="shared"/>: then all see the same moment, as with a real camera.
    /// </summary>
    public static async Task<LoopbackStream> RtspAsync(string clip, string workDirectory, int loops, CancellationToken ct, bool shared = false)
    {
        Directory.CreateDirectory(workDirectory);
        string looped = Path.Combine(workDirectory, Path.GetFileNameWithoutExtension(clip) + $"-x{loops}.mp4");
        if (!File.Exists(looped))
            await RunAsync(Ffmpeg("-v", "error", "-y", "-stream_loop", (loops - 1).ToString(CultureInfo.InvariantCulture), "-i", clip, "-an", "-c", "copy", looped), ct).ConfigureAwait(false);
        string script = Path.Combine(workDirectory, "rtsp-source.py");
        await using (var resource = typeof(LoopbackStream).Assembly.GetManifestResourceStream("rtsp-source.py")!)
        await using (var file = File.Create(script))
            await resource.CopyToAsync(file, ct).ConfigureAwait(false);
        int port = ServerLoad.FreePort();
        var stream = new LoopbackStream("rtsp", "cam", p =>
        {
            var psi = new ProcessStartInfo("/usr/bin/python3") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in (string[])[script, .. shared ? ["--shared"] : Array.Empty<string>(), p.ToString(CultureInfo.InvariantCulture), "cam=" + looped])
                psi.ArgumentList.Add(a);
            return psi;
        }, relaunch: false, port);
        await stream.StartAsync(ct).ConfigureAwait(false);
        return stream;
    }

    /// <summary>Starts serving (again); returns once the port accepts connections.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            if (_run is not null)
                return;
            _run = new CancellationTokenSource();
            var token = _run.Token;
            _loop = Task.Run(() => ServeAsync(token), CancellationToken.None);
        }
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (_relaunch ? IsRunning() : await AcceptsAsync(ct).ConfigureAwait(false))
                return;
            await Task.Delay(100, ct).ConfigureAwait(false);
        }
        throw new InvalidOperationException($"The loopback source {Url} did not start within 20 s (is the RTSP server installed? scripts/setup.sh installs it).");
    }

    /// <summary>Kills the source now, as a camera that loses power; clients see the connection drop.</summary>
    public async Task StopAsync()
    {
        Task? loop;
        lock (_gate)
        {
            _run?.Cancel();
            _run?.Dispose();
            _run = null;
            loop = _loop;
            Kill(_process);
        }
        if (loop is not null)
            await loop.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private bool IsRunning()
    {
        lock (_gate)
        {
            try
            {
                return _process is { HasExited: false };
            }
            catch (InvalidOperationException)
            {
                return false; // between runs: the last one is disposed
            }
        }
    }

    private async Task<bool> AcceptsAsync(CancellationToken ct)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port, ct).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private async Task ServeAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Process process;
            lock (_gate)
            {
                if (ct.IsCancellationRequested)
                    return;
                process = Process.Start(_command(Port))!;
                _process = process;
            }
            using (process)
            {
                var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(CancellationToken.None), process.StandardError.ReadToEndAsync(CancellationToken.None));
                try
                {
                    await process.WaitForExitAsync(ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    Kill(process);
                    await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                }
                await drain.ConfigureAwait(false);
            }
            if (!_relaunch)
                return;
            await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static void Kill(Process? process)
    {
        try
        {
            process?.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // exited already (or never started)
        }
    }

    private static ProcessStartInfo Ffmpeg(params string[] args)
    {
        var psi = new ProcessStartInfo("ffmpeg") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-nostdin");
        psi.ArgumentList.Add("-hide_banner");
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        return psi;
    }

    private static async Task RunAsync(ProcessStartInfo psi, CancellationToken ct)
    {
        using var process = Process.Start(psi)!;
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.StandardOutput.ReadToEndAsync(ct).ConfigureAwait(false);
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
        if (process.ExitCode != 0)
            throw new InvalidOperationException("ffmpeg failed: " + await errors.ConfigureAwait(false));
    }
}
