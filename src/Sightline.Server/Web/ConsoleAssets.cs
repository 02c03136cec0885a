using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Sightline.Server.Web;

/// <summary>
/// The console's files (web/dist, built offline by setup and embedded in this assembly): <c>/</c> is its page,
/// <c>/console/NAME</c> its script and stylesheet. Served from memory with an ETag, Brotli or gzip when the browser
/// takes it, and headers that keep the page to this server: a content security policy allowing nothing from any
/// other origin, no framing, no referrer, no sniffing.
/// </summary>
public sealed class ConsoleAssets
{
    public const string ResourcePrefix = "console/";

    /// <summary>Only this server: no CDN, no web fonts, no inline script, no framing.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; "
        + "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private readonly Dictionary<string, Asset> _assets = new(StringComparer.Ordinal);

    public ConsoleAssets()
    {
        var assembly = typeof(ConsoleAssets).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
            _assets[name[ResourcePrefix.Length..]] = Asset.Load(assembly, name);
    }

    /// <summary>Whether the console was built into this server (setup builds it).</summary>
    public bool Built => _assets.ContainsKey("index.html");

    public IEnumerable<string> Names => _assets.Keys;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext context, ConsoleAssets assets) => assets.ServeAsync(context, "index.html")).ExcludeFromDescription();
        app.MapGet("/console/{name}", (string name, HttpContext context, ConsoleAssets assets) => assets.ServeAsync(context, name)).ExcludeFromDescription();
    }

    public Task ServeAsync(HttpContext context, string name)
    {
        ServerMetrics.Admitted(context);
        var identity = RequestIdentity.Of(context);
        (identity.Api, identity.Operation) = ("console", "GetConsoleFile");
        if (!_assets.TryGetValue(name, out var asset))
        {
            return Problems.WriteAsync(context, name == "index.html"
                ? new SightlineException(ErrorKind.ResourceNotFound, "The console was not built into this server: run ./scripts/setup.sh (it builds web/ with npm) and start it again. The API works without it.")
                : new SightlineException(ErrorKind.ResourceNotFound, $"The console has no file '{name}'."));
        }
        var response = context.Response;
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        headers.Vary = "Accept-Encoding";
        if (context.Request.Headers.IfNoneMatch.ToString() == asset.ETag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        response.ContentType = asset.ContentType;
        string accepted = context.Request.Headers.AcceptEncoding.ToString();
        var (body, encoding) = accepted.Contains("br", StringComparison.OrdinalIgnoreCase) ? (asset.Brotli, "br")
            : accepted.Contains("gzip", StringComparison.OrdinalIgnoreCase) ? (asset.Gzip, "gzip") : (asset.Bytes, null);
        if (encoding is not null)
            headers.ContentEncoding = encoding;
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    private sealed record Asset(byte[] Bytes, byte[] Gzip, byte[] Brotli, string ContentType, string ETag)
    {
        public static Asset Load(Assembly assembly, string resource)
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            string type = Path.GetExtension(resource) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".svg" => "image/svg+xml",
                ".png" => "image/png",
                _ => "application/octet-stream",
            };
            return new Asset(bytes, Compress(bytes, s => new GZipStream(s, CompressionLevel.SmallestSize)),
                Compress(bytes, s => new BrotliStream(s, CompressionLevel.SmallestSize)), type,
                new EntityTagHeaderValue("\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"").ToString());
        }

        private static byte[] Compress(byte[] bytes, Func<Stream, Stream> wrap)
        {
            using var output = new MemoryStream();
            using (var compressor = wrap(output))
                compressor.Write(bytes);
            return output.ToArray();
        }
    }
}
