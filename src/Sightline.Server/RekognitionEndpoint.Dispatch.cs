using Sightline.Collections;
using Sightline.Rekognition;
using Sightline.StoredVideo;

namespace Sightline.Server;

public sealed partial class RekognitionEndpoint
{
    /// <summary>An identification search through the pipeline: gate, search at the admitted threshold, leads, record.</summary>
    private Task<string> IdentifyAsync(Storage.AuditEntry entry, string operation, object request, string principal, CancellationToken ct)
    {
        var asked = (IAuditedRequest)request;
        return pipeline.RunAsync(entry, asked.MatchThreshold, asked.MatchThresholdName, (threshold, admitted) => operation switch
        {
            "SearchFaces" => SearchAsync(request, (SearchFacesApiRequest r) => collections.SearchFacesAsync(r.CollectionId!, r.FaceId!, r.MaxFaces, threshold, ct)),
            "SearchFacesByImage" => SearchAsync(request, (SearchFacesApiRequest r) => SearchFacesByImageAsync(r with { FaceMatchThreshold = threshold }, ct)),
            "SearchUsers" => SearchAsync(request, (UserApiRequest r) => collections.SearchUsersAsync(r.CollectionId!, r.UserId, r.FaceId, threshold, r.MaxUsers, ct)),
            "SearchUsersByImage" => SearchAsync(request, (UserApiRequest r) => SearchUsersByImageAsync(r with { UserMatchThreshold = threshold }, ct)),
            // Starting a job returns no matches; its results become leads when the job finishes.
            "StartFaceSearch" => SearchAsync(request, async (StartVideoJobRequest r) =>
                new Identified<StartVideoJobResponse>(await StartVideoJobAsync(VideoJobs.FaceSearch, r with { FaceMatchThreshold = threshold }, principal, admitted, ct).ConfigureAwait(false), [])),
            _ => throw new UnknownOperationException($"Operation '{operation}' is not an identification search."),
        }, ct);
    }

    /// <summary>
    /// Every other operation, on its typed request; the leads are what a search-capability read disclosed. A
    /// state-changing operation's writes are recorded under <paramref name="audit"/>.
    /// </summary>
    private Task<Identified<string>> DispatchAsync(string operation, object request, string principal, Storage.AuditEntry? audit, CancellationToken ct) => operation switch
    {
        "DetectFaces" => Run(request, (DetectFacesRequest r) => DetectFaces(r, ct)),
        "CompareFaces" => Run(request, (CompareFacesRequest r) => CompareFaces(r, ct)),
        "DetectText" => Run(request, (DetectTextApiRequest r) => DetectText(r, ct)),
        "DetectLabels" => RunAsync(request, (DetectLabelsRequest r) => DetectLabelsAsync(r, ct)),
        "CreateCollection" => RunAsync(request, (CollectionRequest r) => collections.CreateCollectionAsync(Audited(audit), r.CollectionId!, ct)),
        "DescribeCollection" => RunAsync(request, (CollectionRequest r) => collections.DescribeCollectionAsync(r.CollectionId!, ct)),
        "ListCollections" => RunAsync(request, (CollectionRequest r) => collections.ListCollectionsAsync(r.NextToken, r.MaxResults, ct)),
        "DeleteCollection" => RunAsync(request, (CollectionRequest r) => collections.DeleteCollectionAsync(Audited(audit), r.CollectionId!, ct)),
        "IndexFaces" => RunAsync(request, (IndexFacesApiRequest r) => IndexFacesAsync(Audited(audit), r, ct)),
        "ListFaces" => RunAsync(request, (FacesApiRequest r) => collections.ListFacesAsync(r.CollectionId!, r.NextToken, r.MaxResults, r.FaceIds, r.UserId, ct)),
        "DeleteFaces" => RunAsync(request, (FacesApiRequest r) => collections.DeleteFacesAsync(Audited(audit), r.CollectionId!, r.FaceIds ?? [], ct)),
        "CreateUser" => RunAsync(request, (UserApiRequest r) => collections.CreateUserAsync(Audited(audit), r.CollectionId!, r.UserId!, r.ClientRequestToken, ct)),
        "DeleteUser" => RunAsync(request, (UserApiRequest r) => collections.DeleteUserAsync(Audited(audit), r.CollectionId!, r.UserId!, ct)),
        "ListUsers" => RunAsync(request, (UserApiRequest r) => collections.ListUsersAsync(r.CollectionId!, r.NextToken, r.MaxResults, ct)),
        "AssociateFaces" => RunAsync(request, (UserApiRequest r) => collections.AssociateFacesAsync(Audited(audit), r.CollectionId!, r.UserId!, r.FaceIds ?? [], r.UserMatchThreshold, ct)),
        "DisassociateFaces" => RunAsync(request, (UserApiRequest r) => collections.DisassociateFacesAsync(Audited(audit), r.CollectionId!, r.UserId!, r.FaceIds ?? [], ct)),
        "TagResource" => RunAsync(request, (TagsApiRequest r) => collections.TagResourceAsync(Audited(audit), r.ResourceArn, r.Tags, ct)),
        "UntagResource" => RunAsync(request, (TagsApiRequest r) => collections.UntagResourceAsync(Audited(audit), r.ResourceArn, r.TagKeys, ct)),
        "ListTagsForResource" => RunAsync(request, (TagsApiRequest r) => collections.ListTagsForResourceAsync(r.ResourceArn, ct)),
        "StartFaceDetection" => RunAsync(request, (StartVideoJobRequest r) => StartVideoJobAsync(VideoJobs.FaceDetection, r, principal, null, ct)),
        "GetFaceDetection" => RunAsync(request, (GetVideoJobRequest r) => GetFaceDetectionAsync(r, ct)),
        "StartLabelDetection" or "StartTextDetection" or "StartSegmentDetection" or "StartPersonTracking" =>
            RunAsync(request, (StartVideoJobRequest r) => StartVideoJobAsync(operation["Start".Length..], r, principal, null, ct)),
        "GetLabelDetection" => RunAsync(request, (GetVideoJobRequest r) => GetLabelDetectionAsync(r, ct)),
        "GetTextDetection" => RunAsync(request, (GetVideoJobRequest r) => GetTextDetectionAsync(r, ct)),
        "GetSegmentDetection" => RunAsync(request, (GetVideoJobRequest r) => GetSegmentDetectionAsync(r, ct)),
        "GetPersonTracking" => RunAsync(request, (GetVideoJobRequest r) => GetPersonTrackingAsync(r, ct)),
        "GetFaceSearch" => SearchAsync(request, async (GetVideoJobRequest r) => Disclosed(await GetFaceSearchAsync(r, ct).ConfigureAwait(false))),
        "DetectCustomLabels" => RunAsync(request, (DetectCustomLabelsRequest r) => DetectCustomLabelsAsync(r, ct)),
        "CreateStreamProcessor" => RunAsync(request, (CreateStreamProcessorRequest r) => processors.CreateAsync(Audited(audit), r, principal, ct)),
        "StartStreamProcessor" => RunAsync(request, (StartStreamProcessorRequest r) => processors.StartAsync(Audited(audit), r, ct)),
        "StopStreamProcessor" => RunAsync(request, (StreamProcessorNameRequest r) => processors.StopAsync(Audited(audit), r, ct)),
        "DescribeStreamProcessor" => RunAsync(request, (StreamProcessorNameRequest r) => processors.DescribeAsync(r, ct)),
        "ListStreamProcessors" => RunAsync(request, (ListStreamProcessorsRequest r) => processors.ListAsync(r, ct)),
        "DeleteStreamProcessor" => RunAsync(request, (StreamProcessorNameRequest r) => processors.DeleteAsync(Audited(audit), r, ct)),
        "UpdateStreamProcessor" => RunAsync(request, (UpdateStreamProcessorRequest r) => processors.UpdateAsync(Audited(audit), r, ct)),
        _ => throw new UnknownOperationException($"Operation '{operation}' is not supported."),
    };

    /// <summary>The entry a state-changing operation's writes are recorded under (every such operation is audited).</summary>
    private static Storage.AuditEntry Audited(Storage.AuditEntry? audit) =>
        audit ?? throw new InvalidOperationException("A state-changing operation ran without an audit entry (AuditFacts.IsAudited).");

    /// <summary>A page of a face search job's results with the matches it discloses (recorded, not new leads).</summary>
    private static Identified<GetFaceSearchResponse> Disclosed(GetFaceSearchResponse page) =>
        new(page, LeadMatches.Of((page.Persons ?? []).SelectMany(p => p.FaceMatches)));

    /// <summary>An operation that does no I/O of the store's (detection on the request's own image).</summary>
    private static Task<Identified<string>> Run<TRequest, TResponse>(object request, Func<TRequest, TResponse> operation) =>
        Task.FromResult(new Identified<string>(RekognitionJson.Serialize(operation((TRequest)request), indented: false), []));

    private static async Task<Identified<string>> RunAsync<TRequest, TResponse>(object request, Func<TRequest, Task<TResponse>> operation) =>
        new(RekognitionJson.Serialize(await operation((TRequest)request).ConfigureAwait(false), indented: false), []);

    /// <summary>Serialises the response with Rekognition's shapes; the typed matches stay beside it.</summary>
    private static async Task<Identified<string>> SearchAsync<TRequest, TResponse>(object request, Func<TRequest, Task<Identified<TResponse>>> search)
    {
        var found = await search((TRequest)request).ConfigureAwait(false);
        return new(RekognitionJson.Serialize(found.Response, indented: false), found.Leads);
    }
}
