using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sightline.Storage;
using Sightline.Access;

namespace Sightline.Server.Native;

/// <summary>Endpoint metadata: the operation's name (for logs and metrics) and what it needs of the caller's role.</summary>
public sealed record NativeOperation(string Name, Capability Capability);

/// <summary>
/// Runs before every native endpoint: counts the request as admitted, checks the bearer token (or console session) and the role, and
/// turns failures into RFC 7807 problem details. Handlers therefore only do the work.
/// </summary>
public sealed partial class NativeFilter(RequestAuthenticator authenticator, IAuditStore auditLog, ILogger<NativeFilter> logger) : IEndpointFilter
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
        AuditEntry? audit = null;
        bool handlerRan = false; // and so may have handed an identification search to the pipeline
        try
        {
            var principal = await authenticator.VerifyNativeAsync(context, context.RequestAborted).ConfigureAwait(false);
            identity.Principal = principal;
            if (AuditFacts.IsAudited(operation.Capability))
            {
                audit = AuditFacts.Entry(context, principal, operation.Name);
                audit = audit with { Threshold = Threshold(context.Request) }; // in two steps, so a refused threshold is recorded too
            }
            Roles.Demand(principal.AccessKeyId, principal.Role, operation.Capability, operation.Name);
            // An identification search's handler hands this entry to the pipeline (NativeSearch), which records the
            // outcome from then on; until it does, a refusal is recorded here.
            if (audit is not null && SearchGate.Identifies(operation.Name))
                identity.PendingSearch = audit;
            identity.Audit = audit;
            handlerRan = true;
            return await next(invocation).ConfigureAwait(false);
        }
        catch (SightlineException ex)
        {
            return await RefuseAsync(ex).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex)
        {
            return await RefuseAsync(ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? SightlineException.TooLarge($"The request body is larger than the server's limit: {ex.Message}")
                : SightlineException.InvalidParameter($"The request could not be read: {ex.Message}")).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            LogFault(logger, ex, context.TraceIdentifier);
            return new ProblemResult(new SightlineException(ErrorKind.Internal, $"Internal server error (request {context.TraceIdentifier})."));
        }

        async Task<ProblemResult> RefuseAsync(SightlineException ex)
        {
            bool recordedByPipeline = handlerRan && SearchGate.Identifies(operation.Name) && identity.PendingSearch is null;
            // Recorded even when the caller hung up: going away must not erase a refusal from the log.
            if (audit is not null && !recordedByPipeline)
                await auditLog.AppendAuditAsync(audit with { Outcome = ex.RekognitionType, Probe = identity.Probe ?? audit.Probe }, CancellationToken.None).ConfigureAwait(false);
            return new ProblemResult(ex);
        }
    }

    /// <summary>The match threshold asked for in the query: a number from 0 to 100, else the request is refused (400).</summary>
    private static float? Threshold(HttpRequest request) =>
        NativeInput.Float(request, "faceMatchThreshold", 0, 100) ?? NativeInput.Float(request, "userMatchThreshold", 0, 100);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "request {RequestId} failed inside the server")]
    private static partial void LogFault(ILogger logger, Exception exception, string requestId);

    private sealed class ProblemResult(SightlineException ex) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => Problems.WriteAsync(httpContext, ex);
    }
}
