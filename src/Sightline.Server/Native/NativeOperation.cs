using Microsoft.AspNetCore.Http;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Sightline.Storage;
using Sightline.Access;

namespace Sightline.Server.Native;

/// <summary>Endpoint metadata: the operation's name (for logs and metrics) and what it needs of the caller's role.</summary>
public sealed record NativeOperation(string Name, Capability Capability);

/// <summary>
/// Runs before every native endpoint: counts the request as admitted, checks the bearer token and the role, and
/// turns failures into RFC 7807 problem details. Handlers therefore only do the work.
/// </summary>
public sealed partial class NativeFilter(RequestAuthenticator authenticator, IAuditStore auditLog, IPolicyStore policies, ILeadStore leads, ILogger<NativeFilter> logger) : IEndpointFilter
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
        try
        {
            var principal = authenticator.VerifyBearer(context);
            identity.Principal = principal;
            if (AuditFacts.IsAudited(operation.Capability))
                audit = AuditFacts.Entry(context, principal, operation.Name, default) with { Threshold = Threshold(context.Request) };
            Roles.Demand(principal.AccessKeyId, principal.Role, operation.Capability, operation.Name);
            if (audit is not null && SearchGate.Identifies(operation.Name))
            {
                (audit, float threshold) = SearchGate.Admit(policies.GetPolicy(), audit, audit.Threshold);
                identity.Threshold = threshold;
            }
            object? result;
            using (audit is null ? null : AuditScope.Begin(audit))
                result = await next(invocation).ConfigureAwait(false);
            if (audit is not null && operation.Capability == Capability.Search)
            {
                var matches = result is IValueHttpResult { Value: { } value } && SearchGate.Identifies(operation.Name)
                    ? AuditFacts.MatchList(JsonSerializer.Serialize(value, value.GetType())) : [];
                leads.AppendSearch(audit with { Details = AuditFacts.Details(matches), Probe = identity.Probe ?? audit.Probe }, matches);
            }
            return result;
        }
        catch (SightlineException ex)
        {
            if (audit is not null)
                auditLog.AppendAudit(audit with { Outcome = ex.RekognitionType, Probe = identity.Probe ?? audit.Probe });
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

    private static float? Threshold(HttpRequest request) =>
        (request.Query["faceMatchThreshold"].FirstOrDefault() ?? request.Query["userMatchThreshold"].FirstOrDefault()) is { } text
        && float.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out float t) ? t : null;

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "request {RequestId} failed inside the server")]
    private static partial void LogFault(ILogger logger, Exception exception, string requestId);

    private sealed class ProblemResult(SightlineException ex) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => Problems.WriteAsync(httpContext, ex);
    }
}
