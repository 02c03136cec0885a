using Sightline.Rekognition;
using Sightline.StoredVideo;

namespace Sightline.Server;

// GetLabelDetection, GetTextDetection, GetSegmentDetection and GetPersonTracking: a job's status and a page of its results.
public sealed partial class RekognitionEndpoint
{
    /// <summary>Two sightings of a label at most this far apart belong to one segment (AggregateBy SEGMENTS): one missed sample is bridged.</summary>
    private const long SegmentGapMillis = 1000;

    internal async Task<GetLabelDetectionResponse> GetLabelDetectionAsync(GetVideoJobRequest request, CancellationToken ct)
    {
        string sortBy = request.SortBy ?? "TIMESTAMP", aggregateBy = request.AggregateBy ?? "TIMESTAMPS";
        if (sortBy is not ("NAME" or "TIMESTAMP"))
            throw SightlineException.InvalidParameter("SortBy must be NAME or TIMESTAMP.");
        if (aggregateBy is not ("TIMESTAMPS" or "SEGMENTS"))
            throw SightlineException.InvalidParameter("AggregateBy must be TIMESTAMPS or SEGMENTS.");
        var (job, results, offset, limit) = await videoJobs.GetAsync(VideoJobs.LabelDetection, request.JobId, request.MaxResults, request.NextToken, ct).ConfigureAwait(false);
        var response = new GetLabelDetectionResponse(job.Status, job.JobId)
        {
            StatusMessage = job.StatusMessage, JobTag = job.JobTag, Video = VideoOf(job), GetRequestMetadata = new GetRequestMetadata(sortBy, aggregateBy),
        };
        if (results is null)
            return response;
        var labels = aggregateBy == "SEGMENTS" ? Segments(results.Labels ?? [], results.VideoMetadata.DurationMillis) : results.Labels ?? [];
        var sorted = sortBy == "NAME"
            ? labels.OrderBy(l => l.Label.Name, StringComparer.Ordinal).ThenBy(l => l.Timestamp)
            : labels.OrderBy(l => l.Timestamp).ThenBy(l => l.Label.Name, StringComparer.Ordinal);
        var (page, next) = Page(sorted.ToList(), offset, limit);
        return response with { VideoMetadata = results.VideoMetadata, Labels = page, NextToken = next, LabelModelVersion = results.ModelVersion };
    }

    /// <summary>
    /// Each label's sightings joined into segments: from its first timestamp to one sample past its last, its highest
    /// confidence, no instances (as Rekognition's AggregateBy SEGMENTS).
    /// </summary>
    internal static List<LabelDetection> Segments(IReadOnlyList<LabelDetection> sightings, long durationMillis)
    {
        long sample = (long)Math.Round(1000 / new Video.VideoLimits().SampleFps);
        var segments = new List<LabelDetection>();
        foreach (var label in sightings.GroupBy(l => l.Label.Name, StringComparer.Ordinal))
        {
            LabelDetection? open = null;
            long last = 0;
            foreach (var seen in label.OrderBy(l => l.Timestamp))
            {
                if (open is not null && seen.Timestamp - last > SegmentGapMillis)
                {
                    segments.Add(Close(open, last));
                    open = null;
                }
                open = open is null
                    ? new LabelDetection(seen.Timestamp, seen.Label with { Instances = [] })
                    : open with { Label = open.Label with { Confidence = Math.Max(open.Label.Confidence, seen.Label.Confidence) } };
                last = seen.Timestamp;
            }
            if (open is not null)
                segments.Add(Close(open, last));
        }
        return segments;

        LabelDetection Close(LabelDetection open, long last)
        {
            long end = Math.Max(open.Timestamp, Math.Min(last + sample, durationMillis));
            return open with { StartTimestampMillis = open.Timestamp, EndTimestampMillis = end, DurationMillis = end - open.Timestamp };
        }
    }

    internal async Task<GetTextDetectionResponse> GetTextDetectionAsync(GetVideoJobRequest request, CancellationToken ct)
    {
        Unsorted(request, "GetTextDetection");
        var (job, results, offset, limit) = await videoJobs.GetAsync(VideoJobs.TextDetection, request.JobId, request.MaxResults, request.NextToken, ct).ConfigureAwait(false);
        var response = new GetTextDetectionResponse(job.Status, job.JobId) { StatusMessage = job.StatusMessage, JobTag = job.JobTag, Video = VideoOf(job) };
        if (results is null)
            return response;
        var (page, next) = Page(results.TextDetections ?? [], offset, limit);
        return response with { VideoMetadata = results.VideoMetadata, TextDetections = page, NextToken = next, TextModelVersion = results.ModelVersion };
    }

    internal async Task<GetSegmentDetectionResponse> GetSegmentDetectionAsync(GetVideoJobRequest request, CancellationToken ct)
    {
        Unsorted(request, "GetSegmentDetection");
        var (job, results, offset, limit) = await videoJobs.GetAsync(VideoJobs.SegmentDetection, request.JobId, request.MaxResults, request.NextToken, ct).ConfigureAwait(false);
        var response = new GetSegmentDetectionResponse(job.Status, job.JobId) { StatusMessage = job.StatusMessage, JobTag = job.JobTag, Video = VideoOf(job) };
        if (results is null)
            return response;
        var (page, next) = Page(results.Segments ?? [], offset, limit);
        return response with
        {
            VideoMetadata = [results.VideoMetadata], AudioMetadata = results.AudioMetadata ?? [], Segments = page, NextToken = next,
            SelectedSegmentTypes = results.SelectedSegmentTypes,
        };
    }

    internal async Task<GetPersonTrackingResponse> GetPersonTrackingAsync(GetVideoJobRequest request, CancellationToken ct)
    {
        if (request.SortBy is not (null or "INDEX" or "TIMESTAMP"))
            throw SightlineException.InvalidParameter("SortBy must be INDEX or TIMESTAMP.");
        if (request.AggregateBy is not null)
            throw SightlineException.InvalidParameter("GetPersonTracking does not take AggregateBy.");
        var (job, results, offset, limit) = await videoJobs.GetAsync(VideoJobs.PersonTracking, request.JobId, request.MaxResults, request.NextToken, ct).ConfigureAwait(false);
        var response = new GetPersonTrackingResponse(job.Status, job.JobId) { StatusMessage = job.StatusMessage, JobTag = job.JobTag, Video = VideoOf(job) };
        if (results is null)
            return response;
        var persons = (results.PersonTracks ?? []).AsEnumerable();
        persons = request.SortBy == "INDEX" ? persons.OrderBy(p => p.Person.Index).ThenBy(p => p.Timestamp) : persons.OrderBy(p => p.Timestamp).ThenBy(p => p.Person.Index);
        var (page, next) = Page(persons.ToList(), offset, limit);
        return response with { VideoMetadata = results.VideoMetadata, Persons = page, NextToken = next };
    }

    /// <summary>A plate reading job (native API only): its hotlist hits and how many vehicles were read.</summary>
    internal async Task<GetPlateReadingResponse> GetPlateReadingAsync(GetVideoJobRequest request, CancellationToken ct)
    {
        Unsorted(request, "GetPlateReading");
        var (job, results, offset, limit) = await videoJobs.GetAsync(VideoJobs.PlateReading, request.JobId, request.MaxResults, request.NextToken, ct).ConfigureAwait(false);
        var response = new GetPlateReadingResponse(job.Status, job.JobId) { StatusMessage = job.StatusMessage, JobTag = job.JobTag, Video = VideoOf(job) };
        if (results is null)
            return response;
        var (page, next) = Page(results.PlateHits ?? [], offset, limit);
        return response with { VideoMetadata = results.VideoMetadata, Hits = page, NextToken = next, VehiclesRead = results.VehiclesRead };
    }

    private static void Unsorted(GetVideoJobRequest request, string operation)
    {
        if (request.SortBy is not null || request.AggregateBy is not null)
            throw SightlineException.InvalidParameter($"{operation} does not take SortBy or AggregateBy.");
    }
}
