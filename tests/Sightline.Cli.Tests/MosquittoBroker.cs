using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Sightline.Cli.Tests;

/// <summary>Debian's mosquitto on a free loopback port (anonymous, no persistence), which a test may kill and start again.</summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private readonly TempDir _dir = new();
    private Process? _process;

    public int Port { get; } = FreePort();

    public string Url => $"mqtt://127.0.0.1:{Port}";

    public static async Task<MosquittoBroker> StartAsync()
    {
        var broker = new MosquittoBroker();
        await broker.RestartAsync();
        return broker;
    }

    public async Task RestartAsync()
    {
        string config = _dir.Write("mosquitto.conf", $"listener {Port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\n");
        string binary = File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";
        var psi = new ProcessStartInfo(binary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(config);
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new Xunit.Sdk.XunitException($"mosquitto did not listen on {Port} within 10 s (scripts/setup.sh installs it)");
    }

    /// <summary>SIGKILL: the broker goes away without a word, its retained messages with it.</summary>
    public void Kill()
    {
        _process?.Kill(entireProcessTree: true);
        _process?.WaitForExit(10_000);
        _process?.Dispose();
        _process = null;
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _dir.Dispose();
        return ValueTask.CompletedTask;
    }
}
