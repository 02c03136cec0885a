using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sightline.Storage;

namespace Sightline.Live.Tests;

/// <summary>The real ffmpeg with the command a camera runs: what its log says about sizes and failures.</summary>
public sealed class FfmpegSessionTests
{
    private static async Task<FfmpegLog> RunAsync(string url, CameraSettings settings, int readFrames)
    {
        var psi = CameraSource.Command(url, settings, new LiveOptions());
        using var process = Process.Start(psi)!;
        var log = new FfmpegLog();
        var stderr = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
                log.Add(line);
            log.Ended();
        });
        var buffer = new byte[1 << 20];
        int read = 0;
        while (read < readFrames * 100 && await process.StandardOutput.BaseStream.ReadAsync(buffer) is > 0 and var n)
            read += n;
        if (!process.HasExited)
            process.Kill();
        await process.WaitForExitAsync();
        await stderr;
        return log;
    }

    private static string Clip()
    {
        string path = Path.Combine(Path.GetTempPath(), "sightline-live-testsrc-1920x1080.mp4");
        if (File.Exists(path))
            return path;
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=1920x1080:r=10:d=2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path + ".tmp.mp4" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        File.Move(path + ".tmp.mp4", path, overwrite: true);
        return path;
    }

    [Fact]
    public async Task The_log_gives_the_source_size_and_the_detect_size_kept_to_the_source_aspect()
    {
        string clip = Clip();
        var log = await RunAsync(clip, new CameraSettings { Url = new Uri(clip).AbsoluteUri }, 3);
        Assert.Equal((1920, 1080), log.Source);
        Assert.Equal((1280, 720), await log.OutputSize);
        var sized = await RunAsync(clip, new CameraSettings { Url = new Uri(clip).AbsoluteUri, Width = 320, Height = 240 }, 3);
        Assert.Equal((320, 240), await sized.OutputSize);
    }

    [Fact]
    public async Task A_refused_connection_is_named_and_the_credentials_are_not_in_the_log()
    {
        int port;
        using (var l = new TcpListener(IPAddress.Loopback, 0))
        {
            l.Start();
            port = ((IPEndPoint)l.LocalEndpoint).Port;
        }
        var log = await RunAsync($"rtsp://viewer:hunter2@127.0.0.1:{port}/live", new CameraSettings { Url = $"rtsp://127.0.0.1:{port}/live" }, 1);
        string reason = log.Reason(1);
        Assert.Equal("connection refused", reason);
        Assert.False(log.OutputSize.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_source_without_video_is_named()
    {
        string path = Path.Combine(Path.GetTempPath(), $"sightline-live-audio-{Guid.NewGuid():N}.m4a");
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-y", "-f", "lavfi", "-i", "sine=d=1", path })
            psi.ArgumentList.Add(a);
        using (var p = Process.Start(psi)!)
        {
            p.StandardError.ReadToEnd();
            p.WaitForExit();
        }
        try
        {
            var log = await RunAsync(path, new CameraSettings { Url = new Uri(path).AbsoluteUri }, 1);
            Assert.Equal("the source has no video track", log.Reason(1));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
