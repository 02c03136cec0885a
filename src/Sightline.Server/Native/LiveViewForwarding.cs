using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sightline.Cluster;
using Sightline.Live;
using Yarp.ReverseProxy.Forwarder;

namespace Sightline.Server.Native;

/// <summary>
/// A camera's live view through any node of a cluster: a node that does not run the camera forwards the request
/// (HTTP or WebSocket, streamed) to the node that does, with its own authentication headers and Host, so that node
/// checks them itself; the forwarded request is marked and never forwarded again. Registered in cluster mode only.
/// </summary>
public sealed partial class LiveViewForwarding(IHttpForwarder forwarder, CameraLocator locator, ClusterNode self, ILogger<LiveViewForwarding> logger) : IDisposable
{
    /// <summary>Marks a forwarded request with the node that forwarded it.</summary>
    public const string ForwardedBy = "X-Sightline-Forwarded-By";

    private static readonly TimeSpan s_retryAfter = TimeSpan.FromSeconds(2);

    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ActivityHeadersPropagator = null,
    });

    private readonly HttpTransformer _transformer = new KeepHost(self.Name);

    /// <summary>Runs the endpoint here when this node runs the camera (or it runs nowhere); otherwise forwards it.</summary>
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.RequestServices.GetService<LiveViewForwarding>() is not { } forwarding || http.Request.RouteValues["name"] is not string name
            || http.RequestServices.GetRequiredService<LiveCameras>().Picture(name) is not null)
            return await next(context).ConfigureAwait(false);
        return await forwarding.ForwardAsync(http, name).ConfigureAwait(false) ? Results.Empty : await next(context).ConfigureAwait(false);
    }

    /// <summary>True when the request was answered (forwarded, or refused); false to answer it here as before.</summary>
    private async Task<bool> ForwardAsync(HttpContext http, string name)
    {
        var ct = http.RequestAborted;
        await http.RequestServices.GetRequiredService<CameraDesk>().GetAsync(name, ct).ConfigureAwait(false); // 404 for a camera that does not exist
        var host = await locator.FindAsync(name, ct).ConfigureAwait(false);
        if (host is null)
        {
            // Its grain did not answer: it is being placed after its node left (a few seconds).
            await UnavailableAsync(http, $"Where camera '{name}' runs could not be learnt just now; try again shortly.").ConfigureAwait(false);
            return true;
        }
        if (host.Node == self.Name)
            return false;
        if (http.Request.Headers.ContainsKey(ForwardedBy))
        {
            await UnavailableAsync(http, $"Camera '{name}' is moving between nodes; try again shortly.").ConfigureAwait(false);
            return true;
        }
        if (host.Url is null)
            return false;
        var error = await forwarder.SendAsync(http, host.Url, _client, new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromMinutes(2) }, _transformer).ConfigureAwait(false);
        if (error != ForwarderError.None || http.Response.StatusCode == StatusCodes.Status503ServiceUnavailable)
            locator.Forget(name); // that node is gone or no longer runs it: ask where it went next time
        if (error != ForwarderError.None)
        {
            LogFailed(logger, name, host.Node, error);
            if (!http.Response.HasStarted)
                await UnavailableAsync(http, $"The node running camera '{name}' ({host.Node}) could not be reached; try again shortly.").ConfigureAwait(false);
        }
        return true;
    }

    private static Task UnavailableAsync(HttpContext http, string detail)
    {
        http.Response.Clear();
        http.Response.Headers.RetryAfter = Problems.RetryAfterSeconds(s_retryAfter);
        return Results.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Camera unavailable here",
            type: "https://sightline.local/problems/unavailable").ExecuteAsync(http);
    }

    public void Dispose() => _client.Dispose();

    [LoggerMessage(EventId = 411, Level = LogLevel.Warning, Message = "camera {Camera}: its live view could not be forwarded to node {Node} ({Error})")]
    private static partial void LogFailed(ILogger logger, string camera, string node, ForwarderError error);

    /// <summary>The default copy, keeping the original Host (SigV4 signs it) and marking the request as forwarded.</summary>
    private sealed class KeepHost(string node) : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
            proxyRequest.Headers.Host = httpContext.Request.Host.Value;
            proxyRequest.Headers.Remove(ForwardedBy);
            proxyRequest.Headers.TryAddWithoutValidation(ForwardedBy, node);
        }
    }
}
