using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Sightline.Cli.Tests;

/// <summary>A webhook endpoint on loopback that records every POST and answers 500 to the first <c>failFirst</c> of them.</summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly int _failFirst;
    private readonly Task _loop;
    private int _count;

    public WebhookReceiver(int failFirst = 0)
    {
        _failFirst = failFirst;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/hook/";
        }
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Url { get; }

    /// <summary>Every request: body, signature header, and the status it was answered with.</summary>
    public ConcurrentQueue<(byte[] Body, string? Signature, int Status)> Received { get; } = new();

    /// <summary>Every request's method, path and query, Content-Type and Authorization (as an SMS gateway sees them), in the order of <see cref="Received"/>.</summary>
    public ConcurrentQueue<(string Method, string PathAndQuery, string? ContentType, string? Authorization)> Requests { get; } = new();

    public async Task<bool> WaitForAsync(Func<WebhookReceiver, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition(this))
                return true;
            await Task.Delay(100);
        }
        return condition(this);
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var buffer = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(buffer);
            int status = Interlocked.Increment(ref _count) <= _failFirst ? 500 : 200;
            Requests.Enqueue((context.Request.HttpMethod, context.Request.Url?.PathAndQuery ?? "", context.Request.ContentType, context.Request.Headers["Authorization"]));
            Received.Enqueue((buffer.ToArray(), context.Request.Headers["X-Sightline-Signature"], status));
            context.Response.StatusCode = status;
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
