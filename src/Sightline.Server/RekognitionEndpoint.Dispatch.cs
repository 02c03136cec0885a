using Sightline.Collections;
using Sightline.Rekognition;
using Sightline.Server.Video;

namespace Sightline.Server;

public sealed partial class RekognitionEndpoint
{
    /// <summary>An identification search through the pipeline: gate, search at the admitted threshold, leads, record.</summary>
    private string Identify(Storage.AuditEntry entry, string operation, object request, string principal, CancellationToken ct)
    {
        var asked = (IAuditedRequest)request;
        return pipeline.Run(entry, asked.MatchThreshold, asked.MatchThresholdName, (threshold, admitted) => operation switch
        {
            "SearchFaces" => Search(request, (SearchFacesApiRequest r) => collections.SearchFaces(r.CollectionId!, r.FaceId!, r.MaxFaces, threshold, ct)),
            "SearchFacesByImage" => Search(request, (SearchFacesApiRequest r) => SearchFacesByImage(r with { FaceMatchThreshold = threshold }, ct)),
            "SearchUsers" => Search(request, (UserApiRequest r) => collections.SearchUsers(r.CollectionId!, r.UserId, r.FaceId, threshold, r.MaxUsers, ct)),
            "SearchUsersByImage" => Search(request, (UserApiRequest r) => SearchUsersByImage(r with { UserMatchThreshold = threshold }, ct)),
            // Starting a job returns no matches; its results become leads when the job finishes.
            "StartFaceSearch" => Search(request, (StartVideoJobRequest r) =>
                new Identified<StartVideoJobResponse>(StartVideoJob(VideoJobs.FaceSearch, r with { FaceMatchThreshold = threshold }, principal, admitted), [])),
            _ => throw new UnknownOperationException($"Operation '{operation}' is not an identification search."),
        });
    }

    /// <summary>
    /// Every other operation, on its typed request; the leads are what a search-capability read disclosed. A
    /// state-changing operation's writes are recorded under <paramref name="audit"/>.
    /// </summary>
    private Identified<string> Dispatch(string operation, object request, string principal, Storage.AuditEntry? audit, CancellationToken ct) => operation switch
    {
        "DetectFaces" => Run(request, (DetectFacesRequest r) => DetectFaces(r, ct)),
        "CompareFaces" => Run(request, (CompareFacesRequest r) => CompareFaces(r, ct)),
        "DetectText" => Run(request, (DetectTextApiRequest r) => DetectText(r, ct)),
        "DetectLabels" => Run(request, (DetectLabelsRequest r) => DetectLabels(r, ct)),
        "CreateCollection" => Run(request, (CollectionRequest r) => collections.CreateCollection(Audited(audit), r.CollectionId!)),
        "DescribeCollection" => Run(request, (CollectionRequest r) => collections.DescribeCollection(r.CollectionId!)),
        "ListCollections" => Run(request, (CollectionRequest r) => collections.ListCollections(r.NextToken, r.MaxResults)),
        "DeleteCollection" => Run(request, (CollectionRequest r) => collections.DeleteCollection(Audited(audit), r.CollectionId!)),
        "IndexFaces" => Run(request, (IndexFacesApiRequest r) => IndexFaces(Audited(audit), r, ct)),
        "ListFaces" => Run(request, (FacesApiRequest r) => collections.ListFaces(r.CollectionId!, r.NextToken, r.MaxResults, r.FaceIds, r.UserId)),
        "DeleteFaces" => Run(request, (FacesApiRequest r) => collections.DeleteFaces(Audited(audit), r.CollectionId!, r.FaceIds ?? [])),
        "CreateUser" => Run(request, (UserApiRequest r) => collections.CreateUser(Audited(audit), r.CollectionId!, r.UserId!, r.ClientRequestToken)),
        "DeleteUser" => Run(request, (UserApiRequest r) => collections.DeleteUser(Audited(audit), r.CollectionId!, r.UserId!)),
        "ListUsers" => Run(request, (UserApiRequest r) => collections.ListUsers(r.CollectionId!, r.NextToken, r.MaxResults)),
        "AssociateFaces" => Run(request, (UserApiRequest r) => collections.AssociateFaces(Audited(audit), r.CollectionId!, r.UserId!, r.FaceIds ?? [], r.UserMatchThreshold)),
        "DisassociateFaces" => Run(request, (UserApiRequest r) => collections.DisassociateFaces(Audited(audit), r.CollectionId!, r.UserId!, r.FaceIds ?? [])),
        "TagResource" => Run(request, (TagsApiRequest r) => collections.TagResource(Audited(audit), r.ResourceArn, r.Tags)),
        "UntagResource" => Run(request, (TagsApiRequest r) => collections.UntagResource(Audited(audit), r.ResourceArn, r.TagKeys)),
        "ListTagsForResource" => Run(request, (TagsApiRequest r) => collections.ListTagsForResource(r.ResourceArn)),
        "StartFaceDetection" => Run(request, (StartVideoJobRequest r) => StartVideoJob(VideoJobs.FaceDetection, r, principal, null)),
        "GetFaceDetection" => Run(request, (GetVideoJobRequest r) => GetFaceDetection(r)),
        "GetFaceSearch" => Search(request, (GetVideoJobRequest r) => Disclosed(GetFaceSearch(r))),
        "DetectCustomLabels" => Run(request, (DetectCustomLabelsRequest r) => DetectCustomLabels(r, ct)),
        _ => throw new UnknownOperationException($"Operation '{operation}' is not supported."),
    };

    /// <summary>The entry a state-changing operation's writes are recorded under (every such operation is audited).</summary>
    private static Storage.AuditEntry Audited(Storage.AuditEntry? audit) =>
        audit ?? throw new InvalidOperationException("A state-changing operation ran without an audit entry (AuditFacts.IsAudited).");

    /// <summary>A page of a face search job's results with the matches it discloses (recorded, not new leads).</summary>
    private static Identified<GetFaceSearchResponse> Disclosed(GetFaceSearchResponse page) =>
        new(page, LeadMatches.Of((page.Persons ?? []).SelectMany(p => p.FaceMatches)));

    private static Identified<string> Run<TRequest, TResponse>(object request, Func<TRequest, TResponse> operation) =>
        new(RekognitionJson.Serialize(operation((TRequest)request), indented: false), []);

    /// <summary>Serialises the response with Rekognition's shapes; the typed matches stay beside it.</summary>
    private static Identified<string> Search<TRequest, TResponse>(object request, Func<TRequest, Identified<TResponse>> search)
    {
        var found = search((TRequest)request);
        return new(RekognitionJson.Serialize(found.Response, indented: false), found.Leads);
    }
}
