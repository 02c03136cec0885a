using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Xunit;

namespace Sightline.Tests;

/// <summary>What ffprobe says of a video file's first video stream: codec, pixel format and duration.</summary>
public static class VideoProbe
{
    public static async Task<(string Codec, string PixelFormat, double Seconds)> ProbeAsync(string path)
    {
        var psi = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,pix_fmt:format=duration", "-of", "json", path })
            psi.ArgumentList.Add(a);
        using var probe = Process.Start(psi)!;
        var errors = probe.StandardError.ReadToEndAsync();
        string json = await probe.StandardOutput.ReadToEndAsync();
        await probe.WaitForExitAsync();
        Assert.True(probe.ExitCode == 0, await errors);
        var root = JsonDocument.Parse(json).RootElement;
        var stream = root.GetProperty("streams")[0];
        return (stream.GetProperty("codec_name").GetString()!, stream.GetProperty("pix_fmt").GetString()!,
            double.Parse(root.GetProperty("format").GetProperty("duration").GetString()!, CultureInfo.InvariantCulture));
    }
}
