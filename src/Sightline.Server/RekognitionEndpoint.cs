using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Sightline.Access;
using Sightline.Storage;
using Sightline.Collections;
using Sightline.Faces;
using Sightline.Imaging;
using Sightline.ObjectStorage;
using Sightline.Rekognition;

namespace Sightline.Server;

/// <summary>
/// The AWS JSON 1.1 entry point: <c>POST /</c> with <c>X-Amz-Target: RekognitionService.Operation</c>.
/// Errors carry Rekognition's <c>__type</c> so the AWS SDKs raise the matching exception class.
/// </summary>
public sealed partial class RekognitionEndpoint(FaceEngine engine, FaceComparer comparer, Alerts.LabelDesk labels, ImageDecoder decoder, CollectionService collections, RequestAuthenticator authenticator, ObjectStore objects, Video.VideoJobs videoJobs,
    ILogger<RekognitionEndpoint> logger, IAuditStore auditLog, IPolicyStore policies, ILeadStore leads, Text.TextEngine text, Detectors.DetectorRegistry detectors)
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
        ["DetectCustomLabels"] = Capability.Detect,
    };

    public async Task HandleAsync(HttpContext context)
    {
        ServerMetrics.Admitted(context);
        var ct = context.RequestAborted;
        var identity = RequestIdentity.Of(context);
        identity.Api = "aws";
        string target = context.Request.Headers["X-Amz-Target"].ToString();
        AuditEntry? audit = null;
        try
        {
            var body = await ReadBodyAsync(context, ct).ConfigureAwait(false);
            var principal = authenticator.VerifySigV4(context, body);
            identity.Principal = principal;
            if (!target.StartsWith(TargetPrefix, StringComparison.Ordinal))
                throw new UnknownOperationException($"Missing or malformed X-Amz-Target header '{target}'; expected RekognitionService.<Operation>.");
            string operation = target[TargetPrefix.Length..];
            if (!Operations.TryGetValue(operation, out var capability))
                throw new UnknownOperationException($"Operation '{operation}' is not supported.");
            identity.Operation = operation;
            if (AuditFacts.IsAudited(capability))
                audit = AuditFacts.Entry(context, principal, operation, body);
            Roles.Demand(principal.AccessKeyId, principal.Role, capability, operation);
            float? threshold = null;
            if (audit is not null && SearchGate.Identifies(operation))
                (audit, threshold) = SearchGate.Admit(policies.GetPolicy(), audit, audit.Threshold);
            string response;
            using (audit is null ? null : AuditScope.Begin(audit))
                response = Dispatch(operation, body, principal.AccessKeyId, threshold, ct);
            // A search's disclosure is its effect: its record (with what it returned) is durable before the answer leaves.
            if (audit is not null && capability == Capability.Search)
            {
                var matches = SearchGate.Identifies(operation) ? AuditFacts.MatchList(response) : [];
                leads.AppendSearch(audit with { Details = SearchGate.Identifies(operation) ? AuditFacts.Details(matches) : AuditFacts.Matches(response) }, matches);
            }
            context.Response.ContentType = "application/x-amz-json-1.1";
            await context.Response.WriteAsync(response, ct).ConfigureAwait(false);
        }
        catch (SightlineException ex)
        {
            if (audit is not null)
                auditLog.AppendAudit(audit with { Outcome = ex.RekognitionType, Details = null });
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

    /// <param name="threshold">For identification searches, the threshold the policy admitted (the floor when none was asked).</param>
    private string Dispatch(string operation, byte[] body, string principal, float? threshold, CancellationToken ct) => operation switch
    {
        "DetectFaces" => Run(body, RequestJsonContext.Default.DetectFacesRequest, r => DetectFaces(r, ct)),
        "CompareFaces" => Run(body, RequestJsonContext.Default.CompareFacesRequest, r => CompareFaces(r, ct)),
        "DetectText" => Run(body, RequestJsonContext.Default.DetectTextApiRequest, r => DetectText(r, ct)),
        "DetectLabels" => Run(body, RequestJsonContext.Default.DetectLabelsRequest, r => DetectLabels(r, ct)),
        "CreateCollection" => Run(body, RequestJsonContext.Default.CollectionRequest, r => collections.CreateCollection(r.CollectionId!)),
        "DescribeCollection" => Run(body, RequestJsonContext.Default.CollectionRequest, r => collections.DescribeCollection(r.CollectionId!)),
        "ListCollections" => Run(body, RequestJsonContext.Default.CollectionRequest, r => collections.ListCollections(r.NextToken, r.MaxResults)),
        "DeleteCollection" => Run(body, RequestJsonContext.Default.CollectionRequest, r => collections.DeleteCollection(r.CollectionId!)),
        "IndexFaces" => Run(body, RequestJsonContext.Default.IndexFacesApiRequest, r => IndexFaces(r, ct)),
        "ListFaces" => Run(body, RequestJsonContext.Default.FacesApiRequest, r => collections.ListFaces(r.CollectionId!, r.NextToken, r.MaxResults, r.FaceIds, r.UserId)),
        "DeleteFaces" => Run(body, RequestJsonContext.Default.FacesApiRequest, r => collections.DeleteFaces(r.CollectionId!, r.FaceIds ?? [])),
        "SearchFaces" => Run(body, RequestJsonContext.Default.SearchFacesApiRequest, r => collections.SearchFaces(r.CollectionId!, r.FaceId!, r.MaxFaces, threshold, ct)),
        "SearchFacesByImage" => Run(body, RequestJsonContext.Default.SearchFacesApiRequest, r => SearchFacesByImage(r with { FaceMatchThreshold = threshold }, ct)),
        "CreateUser" => Run(body, RequestJsonContext.Default.UserApiRequest, r => collections.CreateUser(r.CollectionId!, r.UserId!, r.ClientRequestToken)),
        "DeleteUser" => Run(body, RequestJsonContext.Default.UserApiRequest, r => collections.DeleteUser(r.CollectionId!, r.UserId!)),
        "ListUsers" => Run(body, RequestJsonContext.Default.UserApiRequest, r => collections.ListUsers(r.CollectionId!, r.NextToken, r.MaxResults)),
        "AssociateFaces" => Run(body, RequestJsonContext.Default.UserApiRequest, r => collections.AssociateFaces(r.CollectionId!, r.UserId!, r.FaceIds ?? [], r.UserMatchThreshold)),
        "DisassociateFaces" => Run(body, RequestJsonContext.Default.UserApiRequest, r => collections.DisassociateFaces(r.CollectionId!, r.UserId!, r.FaceIds ?? [])),
        "SearchUsers" => Run(body, RequestJsonContext.Default.UserApiRequest, r => collections.SearchUsers(r.CollectionId!, r.UserId, r.FaceId, threshold, r.MaxUsers, ct)),
        "SearchUsersByImage" => Run(body, RequestJsonContext.Default.UserApiRequest, r => SearchUsersByImage(r with { UserMatchThreshold = threshold }, ct)),
        "TagResource" => Run(body, RequestJsonContext.Default.TagsApiRequest, r => collections.TagResource(r.ResourceArn, r.Tags)),
        "UntagResource" => Run(body, RequestJsonContext.Default.TagsApiRequest, r => collections.UntagResource(r.ResourceArn, r.TagKeys)),
        "ListTagsForResource" => Run(body, RequestJsonContext.Default.TagsApiRequest, r => collections.ListTagsForResource(r.ResourceArn)),
        "StartFaceDetection" => Run(body, Video.VideoJsonContext.Default.StartVideoJobRequest, r => StartVideoJob(Video.VideoJobs.FaceDetection, r, principal)),
        "GetFaceDetection" => Run(body, Video.VideoJsonContext.Default.GetVideoJobRequest, GetFaceDetection),
        "StartFaceSearch" => Run(body, Video.VideoJsonContext.Default.StartVideoJobRequest, r => StartVideoJob(Video.VideoJobs.FaceSearch, r with { FaceMatchThreshold = threshold }, principal)),
        "GetFaceSearch" => Run(body, Video.VideoJsonContext.Default.GetVideoJobRequest, GetFaceSearch),
        "DetectCustomLabels" => Run(body, RequestJsonContext.Default.DetectCustomLabelsRequest, r => DetectCustomLabels(r, ct)),
        _ => throw new UnknownOperationException($"Operation '{operation}' is not supported."),
    };

    /// <summary>Parses the request, runs the operation, serialises the response with Rekognition's shapes.</summary>
    private static string Run<TRequest, TResponse>(byte[] body, JsonTypeInfo<TRequest> type, Func<TRequest, TResponse> operation)
    {
        TRequest request;
        try
        {
            request = (body.Length == 0 ? default : JsonSerializer.Deserialize(body, type))
                ?? throw SightlineException.InvalidParameter("The request body is empty; send a JSON object.");
        }
        catch (JsonException ex)
        {
            throw SightlineException.InvalidParameter($"The request body is not valid JSON for this operation: {ex.Message}");
        }
        return RekognitionJson.Serialize(operation(request), indented: false);
    }

    /// <summary>An error as the AWS SDKs parse it: <c>__type</c> and <c>message</c>, plus the x-amzn-ErrorType header.</summary>
    public static Task WriteErrorAsync(HttpContext context, int status, string type, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-amz-json-1.1";
        context.Response.Headers["x-amzn-ErrorType"] = type;
        return context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = type, ["message"] = message }));
    }

    private sealed class UnknownOperationException(string message) : Exception(message);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "request {RequestId} failed inside the server")]
    private static partial void LogFault(ILogger logger, Exception exception, string requestId);
}
