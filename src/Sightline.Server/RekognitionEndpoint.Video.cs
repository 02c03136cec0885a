using Sightline.Rekognition;
using Sightline.StoredVideo;

namespace Sightline.Server;

public sealed partial class RekognitionEndpoint
{
    private Task<StartVideoJobResponse> StartVideoJobAsync(string kind, StartVideoJobRequest request, string? principal, Storage.AuditEntry? admitted, CancellationToken ct) =>
        videoJobs.StartAsync(kind, request, principal, admitted, ct);

    internal async Task<GetFaceDetectionResponse> GetFaceDetectionAsync(GetVideoJobRequest request, CancellationToken ct)
    {
        var (job, results, offset, limit) = await videoJobs.GetAsync(VideoJobs.FaceDetection, request.JobId, request.MaxResults, request.NextToken, ct).ConfigureAwait(false);
        var response = new GetFaceDetectionResponse(job.Status, job.JobId) { StatusMessage = job.StatusMessage, JobTag = job.JobTag, Video = VideoOf(job) };
        if (results is null)
            return response;
        var (page, next) = Page(results.Faces ?? [], offset, limit);
        return response with { VideoMetadata = results.VideoMetadata, Faces = page, NextToken = next };
    }

    internal async Task<GetFaceSearchResponse> GetFaceSearchAsync(GetVideoJobRequest request, CancellationToken ct)
    {
        if (request.SortBy is not (null or "INDEX" or "TIMESTAMP"))
            throw SightlineException.InvalidParameter("SortBy must be INDEX or TIMESTAMP.");
        var (job, results, offset, limit) = await videoJobs.GetAsync(VideoJobs.FaceSearch, request.JobId, request.MaxResults, request.NextToken, ct).ConfigureAwait(false);
        var response = new GetFaceSearchResponse(job.Status, job.JobId) { StatusMessage = job.StatusMessage, JobTag = job.JobTag, Video = VideoOf(job) };
        if (results is null)
            return response;
        var persons = (results.Persons ?? []).AsEnumerable();
        persons = request.SortBy == "INDEX" ? persons.OrderBy(p => p.Person.Index).ThenBy(p => p.Timestamp) : persons.OrderBy(p => p.Timestamp).ThenBy(p => p.Person.Index);
        var (page, next) = Page(persons.ToList(), offset, limit);
        return response with { VideoMetadata = results.VideoMetadata, Persons = page, NextToken = next };
    }

    private static (List<T> Page, string? Next) Page<T>(IReadOnlyList<T> all, int offset, int limit)
    {
        var page = all.Skip(offset).Take(limit).ToList();
        return (page, offset + limit < all.Count ? (offset + limit).ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
    }

    private static VideoRef? VideoOf(Storage.StoredJob job) =>
        VideoJobSpec.Of(job).Video is { Bucket: { } bucket, Name: { } name } ? new VideoRef(new S3ObjectRef(bucket, name)) : null;
}
