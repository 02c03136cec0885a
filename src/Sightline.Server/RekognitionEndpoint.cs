using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Sightline.Access;
using Sightline.Storage;
using Sightline.Collections;
using Sightline.Faces;
using Sightline.Identification;
using Sightline.Imaging;
using Sightline.ObjectStorage;
using Sightline.Rekognition;

namespace Sightline.Server;

/// <summary>
/// The AWS JSON 1.1 entry point: <c>POST /</c> with <c>X-Amz-Target: RekognitionService.Operation</c>.
/// Errors carry Rekognition's <c>__type</c> so the AWS SDKs raise the matching exception class.
/// </summary>
public sealed partial class RekognitionEndpoint(FaceEngine engine, FaceComparer comparer, Alerts.LabelDesk labels, ImageDecoder decoder, CollectionService collections, RequestAuthenticator authenticator, ObjectStore objects, StoredVideo.VideoJobs videoJobs,
    ILogger<RekognitionEndpoint> logger, IAuditStore auditLog, IdentificationPipeline pipeline, ILeadStore leads, Text.TextEngine text, Detectors.DetectorRegistry detectors,
    Live.Processors.StreamProcessorDesk processors)
{
    private const string TargetPrefix = "RekognitionService.";

    /// <summary>Every operation served and what it needs of the caller's role.</summary>
    public static IReadOnlyDictionary<string, Capability> Operations { get; } = new Dictionary<string, Capability>(StringComparer.Ordinal)
    {
        ["DetectFaces"] = Capability.Detect,
        ["CompareFaces"] = Capability.Detect,
        ["DetectText"] = Capability.Detect,
        ["DetectLabels"] = Capability.Detect,
        ["CreateCollection"] = Capability.Index,
        ["DescribeCollection"] = Capability.Read,
        ["ListCollections"] = Capability.Read,
        ["DeleteCollection"] = Capability.Index,
        ["IndexFaces"] = Capability.Index,
        ["ListFaces"] = Capability.Read,
        ["DeleteFaces"] = Capability.Index,
        ["SearchFaces"] = Capability.Search,
        ["SearchFacesByImage"] = Capability.Search,
        ["CreateUser"] = Capability.Index,
        ["DeleteUser"] = Capability.Index,
        ["ListUsers"] = Capability.Read,
        ["AssociateFaces"] = Capability.Index,
        ["DisassociateFaces"] = Capability.Index,
        ["SearchUsers"] = Capability.Search,
        ["SearchUsersByImage"] = Capability.Search,
        ["TagResource"] = Capability.Index,
        ["UntagResource"] = Capability.Index,
        ["ListTagsForResource"] = Capability.Read,
        ["StartFaceDetection"] = Capability.Detect,
        ["GetFaceDetection"] = Capability.Detect,
        ["StartFaceSearch"] = Capability.Search,
        ["GetFaceSearch"] = Capability.Search,
        ["StartLabelDetection"] = Capability.Detect,
        ["GetLabelDetection"] = Capability.Detect,
        ["StartTextDetection"] = Capability.Detect,
        ["GetTextDetection"] = Capability.Detect,
        ["StartSegmentDetection"] = Capability.Detect,
        ["GetSegmentDetection"] = Capability.Detect,
        ["StartPersonTracking"] = Capability.Detect,
        ["GetPersonTracking"] = Capability.Detect,
        ["DetectCustomLabels"] = Capability.Detect,
        ["CreateStreamProcessor"] = Capability.Administer,
        ["StartStreamProcessor"] = Capability.Administer,
        ["StopStreamProcessor"] = Capability.Administer,
        ["UpdateStreamProcessor"] = Capability.Administer,
        ["DeleteStreamProcessor"] = Capability.Administer,
        ["DescribeStreamProcessor"] = Capability.Read,
        ["ListStreamProcessors"] = Capability.Read,
    };

    public async Task HandleAsync(HttpContext context)
    {
        ServerMetrics.Admitted(context);
        var ct = context.RequestAborted;
        var identity = RequestIdentity.Of(context);
        identity.Api = "aws";
        string target = context.Request.Headers["X-Amz-Target"].ToString();
        AuditEntry? audit = null; // set while a refusal is this method's to record
        try
        {
            var body = await ReadBodyAsync(context, ct).ConfigureAwait(false);
            var principal = await authenticator.VerifySigV4Async(context, body, ct).ConfigureAwait(false);
            identity.Principal = principal;
            if (!target.StartsWith(TargetPrefix, StringComparison.Ordinal))
                throw new UnknownOperationException($"Missing or malformed X-Amz-Target header '{target}'; expected RekognitionService.<Operation>.");
            string operation = target[TargetPrefix.Length..];
            if (!Operations.TryGetValue(operation, out var capability))
                throw new UnknownOperationException($"Operation '{operation}' is not supported.");
            identity.Operation = operation;
            if (AuditFacts.IsAudited(capability))
                audit = AuditFacts.Entry(context, principal, operation);
            var request = RekognitionRequestReader.Read(operation, body);
            if (audit is not null)
                audit = AuditFacts.With(audit, request as IAuditedRequest);
            Roles.Demand(principal.AccessKeyId, principal.Role, capability, operation);
            string response;
            if (audit is not null && SearchGate.Identifies(operation))
            {
                var entry = audit;
                audit = null; // from here the pipeline records the outcome, refusals included
                response = await IdentifyAsync(entry, operation, request, principal.AccessKeyId, ct).ConfigureAwait(false);
            }
            else
            {
                var answer = await DispatchAsync(operation, request, principal.AccessKeyId, audit, ct).ConfigureAwait(false);
                // What a search-capability read disclosed (a face search job's results) is recorded before the answer leaves.
                if (audit is not null && capability == Capability.Search)
                    await leads.AppendSearchAsync(audit with { Details = LeadDetails.Of(answer.Leads) }, [], null, ct).ConfigureAwait(false);
                response = answer.Response;
            }
            context.Response.ContentType = "application/x-amz-json-1.1";
            await context.Response.WriteAsync(response, ct).ConfigureAwait(false);
        }
        catch (SightlineException ex)
        {
            if (audit is not null)
                // Recorded even when the caller hung up: going away must not erase a refusal from the log.
                await auditLog.AppendAuditAsync(audit with { Outcome = ex.RekognitionType, Details = null }, CancellationToken.None).ConfigureAwait(false);
            if (ex.RetryAfter is { } retryAfter)
                context.Response.Headers.RetryAfter = Problems.RetryAfterSeconds(retryAfter);
            await WriteErrorAsync(context, ex.HttpStatus, ex.RekognitionType, ex.Message).ConfigureAwait(false);
        }
        catch (UnknownOperationException ex)
        {
            await WriteErrorAsync(context, 400, "UnknownOperationException", ex.Message).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // A fault of ours: logged with the request id, answered as Rekognition's InternalServerError.
            LogFault(logger, ex, context.TraceIdentifier);
            if (!context.Response.HasStarted)
                await WriteErrorAsync(context, 500, "InternalServerError", $"Internal server error (request {context.TraceIdentifier}).").ConfigureAwait(false);
        }
    }

    /// <summary>Buffers the body (it is hashed for the signature); Kestrel enforces the size limit while reading.</summary>
    private static async Task<byte[]> ReadBodyAsync(HttpContext context, CancellationToken ct)
    {
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, ct).ConfigureAwait(false);
            return buffer.ToArray();
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw SightlineException.TooLarge($"The request body is larger than the server's limit of {context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize:N0} bytes.");
        }
    }

    /// <summary>An error as the AWS SDKs parse it: <c>__type</c> and <c>message</c>, plus the x-amzn-ErrorType header.</summary>
    public static Task WriteErrorAsync(HttpContext context, int status, string type, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-amz-json-1.1";
        context.Response.Headers["x-amzn-ErrorType"] = type;
        return context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = type, ["message"] = Problems.Bounded(message) }));
    }

    private sealed class UnknownOperationException(string message) : Exception(message);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "request {RequestId} failed inside the server")]
    private static partial void LogFault(ILogger logger, Exception exception, string requestId);
}
