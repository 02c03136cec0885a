using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Sightline.Benchmarks.Live;

/// <summary>Reads a server's /v1/events/stream in the background: each message with the time it arrived.</summary>
public sealed class EventStreamReader : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public EventStreamReader(Uri address, string bearer) => _loop = Task.Run(() => ReadAsync(address, bearer));

    public ConcurrentQueue<(string Type, JsonElement Data, DateTimeOffset At)> Messages { get; } = new();

    /// <summary>Completes when the stream answered with its headers (or failed).</summary>
    public TaskCompletionSource Opened { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Count(string type) => Messages.Count(m => m.Type == type);

    /// <summary>Delivery delay of each message: arrival minus the time of the frame that caused it.</summary>
    public List<double> LatenciesMs(string? type = null) =>
        [.. Messages.Where(m => type is null || m.Type == type).Select(m => (m.At - m.Data.GetProperty("frameTime").GetDateTimeOffset()).TotalMilliseconds).Order()];

    private async Task ReadAsync(Uri address, string bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(address, "v1/events/stream"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _stop.Token).ConfigureAwait(false);
            if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
                throw new InvalidOperationException($"The event stream answered {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType}.");
            Opened.TrySetResult();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token).ConfigureAwait(false));
            string? type = null;
            while (await reader.ReadLineAsync(_stop.Token).ConfigureAwait(false) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                    type = line[7..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal) && type is not null)
                    Messages.Enqueue((type, JsonDocument.Parse(line[6..]).RootElement.Clone(), DateTimeOffset.UtcNow));
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or IOException or JsonException)
        {
            Opened.TrySetException(ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
