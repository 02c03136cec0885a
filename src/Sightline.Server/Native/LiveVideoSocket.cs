using System.Net.WebSockets;
using System.Text.Json;
using Sightline.Live.Video;

namespace Sightline.Server.Native;

/// <summary>Relays a live video viewer over an accepted WebSocket: one text message describing the stream, then a binary message per segment.</summary>
internal static class LiveVideoSocket
{
    public static async Task RelayAsync(WebSocket socket, LiveVideoViewer viewer, CancellationToken ct)
    {
        try
        {
            var hello = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string?>
            {
                ["codecs"] = viewer.Codecs,
                ["start"] = viewer.MediaZero?.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            });
            await socket.SendAsync(hello, WebSocketMessageType.Text, endOfMessage: true, ct);
            // The page sends nothing; a close from it ends the relay.
            using var closed = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var listen = ListenAsync(socket, closed);
            await foreach (var segment in viewer.Segments.ReadAllAsync(closed.Token))
                await socket.SendAsync(segment, WebSocketMessageType.Binary, endOfMessage: true, closed.Token);
            if (socket.State == WebSocketState.Open)
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "the live video ended", CancellationToken.None);
            await closed.CancelAsync();
            await listen;
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
            // the viewer left, fell behind, or the camera's video ended: the page reconnects
        }
    }

    private static async Task ListenAsync(WebSocket socket, CancellationTokenSource closed)
    {
        var buffer = new byte[256];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var message = await socket.ReceiveAsync(buffer, closed.Token);
                if (message.MessageType == WebSocketMessageType.Close)
                    break;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // closing
        }
        await closed.CancelAsync();
    }
}
