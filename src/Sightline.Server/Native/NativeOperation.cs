using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sightline.Access;

namespace Sightline.Server.Native;

/// <summary>Endpoint metadata: the operation's name (for logs and metrics) and what it needs of the caller's role.</summary>
public sealed record NativeOperation(string Name, Capability Capability);

/// <summary>
/// Runs before every native endpoint: counts the request as admitted, checks the bearer token and the role, and
/// turns failures into RFC 7807 problem details. Handlers therefore only do the work.
/// </summary>
public sealed partial class NativeFilter(RequestAuthenticator authenticator, ILogger<NativeFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        ServerMetrics.Admitted(context);
        var identity = RequestIdentity.Of(context);
        identity.Api = "native";
        var operation = context.GetEndpoint()?.Metadata.GetMetadata<NativeOperation>()
            ?? throw new InvalidOperationException($"Native endpoint {context.Request.Path} has no NativeOperation metadata.");
        identity.Operation = operation.Name;
        try
        {
            var principal = authenticator.VerifyBearer(context);
            identity.Principal = principal;
            Roles.Demand(principal.AccessKeyId, principal.Role, operation.Capability, operation.Name);
            return await next(invocation).ConfigureAwait(false);
        }
        catch (SightlineException ex)
        {
            return new ProblemResult(ex);
        }
        catch (BadHttpRequestException ex)
        {
            return new ProblemResult(ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? SightlineException.TooLarge($"The request body is larger than the server's limit: {ex.Message}")
                : SightlineException.InvalidParameter($"The request could not be read: {ex.Message}"));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            LogFault(logger, ex, context.TraceIdentifier);
            return new ProblemResult(new SightlineException(ErrorKind.Internal, $"Internal server error (request {context.TraceIdentifier})."));
        }
    }

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "request {RequestId} failed inside the server")]
    private static partial void LogFault(ILogger logger, Exception exception, string requestId);

    private sealed class ProblemResult(SightlineException ex) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => Problems.WriteAsync(httpContext, ex);
    }
}
