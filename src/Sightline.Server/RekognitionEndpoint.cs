using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Sightline.Collections;
using Sightline.Faces;
using Sightline.Imaging;
using Sightline.Rekognition;

namespace Sightline.Server;

/// <summary>
/// The AWS JSON 1.1 entry point: <c>POST /</c> with <c>X-Amz-Target: RekognitionService.Operation</c>.
/// Errors carry Rekognition's <c>__type</c> so the AWS SDKs raise the matching exception class.
/// </summary>
public sealed partial class RekognitionEndpoint(FaceEngine engine, FaceComparer comparer, ImageDecoder decoder, CollectionService collections)
{
    private const string TargetPrefix = "RekognitionService.";

    public async Task HandleAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        string target = context.Request.Headers["X-Amz-Target"].ToString();
        try
        {
            if (!target.StartsWith(TargetPrefix, StringComparison.Ordinal))
                throw SightlineException.InvalidParameter("Missing or malformed X-Amz-Target header.");
            string body = await DispatchAsync(target[TargetPrefix.Length..], context, ct).ConfigureAwait(false);
            context.Response.ContentType = "application/x-amz-json-1.1";
            await context.Response.WriteAsync(body, ct).ConfigureAwait(false);
        }
        catch (SightlineException ex)
        {
            await ErrorAsync(context, ex.Kind == ErrorKind.ModelUnavailable ? 500 : 400, ex.RekognitionType, ex.Message).ConfigureAwait(false);
        }
        catch (UnknownOperationException ex)
        {
            await ErrorAsync(context, 400, "UnknownOperationException", $"Operation '{ex.Message}' is not supported.").ConfigureAwait(false);
        }
    }

    private Task<string> DispatchAsync(string operation, HttpContext context, CancellationToken ct) => operation switch
    {
        "DetectFaces" => Run(context, RequestJsonContext.Default.DetectFacesRequest, r => DetectFaces(r, ct), ct),
        "CompareFaces" => Run(context, RequestJsonContext.Default.CompareFacesRequest, r => CompareFaces(r, ct), ct),
        "CreateCollection" => Run(context, RequestJsonContext.Default.CollectionRequest, r => collections.CreateCollection(r.CollectionId!), ct),
        "DescribeCollection" => Run(context, RequestJsonContext.Default.CollectionRequest, r => collections.DescribeCollection(r.CollectionId!), ct),
        "ListCollections" => Run(context, RequestJsonContext.Default.CollectionRequest, r => collections.ListCollections(r.NextToken, r.MaxResults), ct),
        "DeleteCollection" => Run(context, RequestJsonContext.Default.CollectionRequest, r => collections.DeleteCollection(r.CollectionId!), ct),
        "IndexFaces" => Run(context, RequestJsonContext.Default.IndexFacesApiRequest, r => IndexFaces(r, ct), ct),
        "ListFaces" => Run(context, RequestJsonContext.Default.FacesApiRequest, r => collections.ListFaces(r.CollectionId!, r.NextToken, r.MaxResults, r.FaceIds), ct),
        "DeleteFaces" => Run(context, RequestJsonContext.Default.FacesApiRequest, r => collections.DeleteFaces(r.CollectionId!, r.FaceIds ?? []), ct),
        "SearchFaces" => Run(context, RequestJsonContext.Default.SearchFacesApiRequest, r => collections.SearchFaces(r.CollectionId!, r.FaceId!, r.MaxFaces, r.FaceMatchThreshold, ct), ct),
        "SearchFacesByImage" => Run(context, RequestJsonContext.Default.SearchFacesApiRequest, r => SearchFacesByImage(r, ct), ct),
        "CreateUser" => Run(context, RequestJsonContext.Default.UserApiRequest, r => collections.CreateUser(r.CollectionId!, r.UserId!), ct),
        "DeleteUser" => Run(context, RequestJsonContext.Default.UserApiRequest, r => collections.DeleteUser(r.CollectionId!, r.UserId!), ct),
        "ListUsers" => Run(context, RequestJsonContext.Default.UserApiRequest, r => collections.ListUsers(r.CollectionId!, r.NextToken, r.MaxResults), ct),
        "AssociateFaces" => Run(context, RequestJsonContext.Default.UserApiRequest, r => collections.AssociateFaces(r.CollectionId!, r.UserId!, r.FaceIds ?? [], r.UserMatchThreshold), ct),
        "DisassociateFaces" => Run(context, RequestJsonContext.Default.UserApiRequest, r => collections.DisassociateFaces(r.CollectionId!, r.UserId!, r.FaceIds ?? []), ct),
        "SearchUsers" => Run(context, RequestJsonContext.Default.UserApiRequest, r => collections.SearchUsers(r.CollectionId!, r.UserId, r.FaceId, r.UserMatchThreshold, r.MaxUsers, ct), ct),
        "SearchUsersByImage" => Run(context, RequestJsonContext.Default.UserApiRequest, r => SearchUsersByImage(r, ct), ct),
        _ => throw new UnknownOperationException(operation),
    };

    /// <summary>Reads the request, runs the operation, serialises the response with Rekognition's shapes.</summary>
    private static async Task<string> Run<TRequest, TResponse>(HttpContext context, JsonTypeInfo<TRequest> type, Func<TRequest, TResponse> operation, CancellationToken ct)
    {
        TRequest request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(context.Request.Body, type, ct).ConfigureAwait(false)
                ?? throw SightlineException.InvalidParameter("The request body is empty.");
        }
        catch (JsonException ex)
        {
            throw SightlineException.InvalidParameter($"The request body is not valid JSON for this operation: {ex.Message}");
        }
        return RekognitionJson.Serialize(operation(request), indented: false);
    }

    private static Task ErrorAsync(HttpContext context, int status, string type, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-amz-json-1.1";
        context.Response.Headers["x-amzn-ErrorType"] = type;
        return context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = type, ["message"] = message }));
    }

    private sealed class UnknownOperationException(string operation) : Exception(operation);
}
