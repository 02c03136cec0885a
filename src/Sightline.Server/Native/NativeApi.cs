using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sightline.Access;
using Sightline.Collections;
using Sightline.Faces;
using Sightline.Identification;
using Sightline.Imaging;
using Sightline.Rekognition;
using Sightline.StoredVideo;
using Sightline.Storage;

namespace Sightline.Server.Native;

/// <summary>
/// The native REST API under /v1: resources (collections, faces, users, searches), JSON in camelCase, images as raw
/// or multipart uploads, bearer keys (<c>Authorization: Bearer ACCESS_KEY_ID:SECRET</c>), RFC 7807 problems.
/// Response bodies carry the same fields as the Rekognition responses, so both APIs describe results one way.
/// </summary>
public static class NativeApi
{
    public static void MapNativeApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").AddEndpointFilter<NativeFilter>().WithTags("v1")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status429TooManyRequests);
        MapFaces(v1);
        NativeLabels.Map(v1);
        MapCollections(v1);
        MapCollectionFaces(v1);
        MapUsers(v1);
        MapJobs(v1);
        NativeRedaction.Map(v1);
        NativeLeads.Map(v1);
        NativeAccountability.Map(v1);
        NativeEvaluations.Map(v1);
        NativeText.Map(v1);
        NativePlates.Map(v1);
        NativeDetectors.Map(v1);
        NativeCameras.Map(v1);
        NativeEvents.Map(v1);
        NativeAuthorizations.Map(v1);
        NativeKeys.Map(v1);
    }

    private static void MapJobs(RouteGroupBuilder v1)
    {
        static StartVideoJobRequest ToRequest(VideoJobBody body) => new(
            new VideoInput(new S3ObjectInput(body.Video?.Bucket, body.Video?.Name, null)), body.ClientRequestToken, body.NotificationChannel, body.FaceAttributes,
            body.JobTag, body.CollectionId, body.FaceMatchThreshold)
        {
            MinConfidence = body.MinConfidence,
            Settings = body.Settings,
            Filters = body.Filters,
            SegmentTypes = body.SegmentTypes,
            Labels = body.Labels,
        };

        foreach (var (route, kind, summary) in new[]
        {
            ("label-detection", VideoJobs.LabelDetection, "Labels (objects with boxes, parents, categories) in each sampled frame of a stored video: minConfidence, settings.generalLabels filters"),
            ("text-detection", VideoJobs.TextDetection, "Text lines and words in a stored video, each reported once per appearance: filters.wordFilter, filters.regionsOfInterest"),
            ("segment-detection", VideoJobs.SegmentDetection, "Shots and technical cues (black frames, colour bars) of a stored video: segmentTypes SHOT and/or TECHNICAL_CUE, filters"),
            ("person-tracking", VideoJobs.PersonTracking, "People followed within one stored video, each with an index (never linked across videos)"),
            ("plate-reading", VideoJobs.PlateReading, "Each vehicle's plate in a stored video read once and checked against the hotlists; only hits are kept (they raise alerts hotlist:LIST)"),
        })
        {
            v1.MapPost("/jobs/" + route, async (HttpRequest request, VideoJobs jobs, CancellationToken ct) =>
            {
                var body = await NativeInput.JsonAsync<VideoJobBody>(request, ct);
                var started = await jobs.StartAsync(kind, ToRequest(body), RequestIdentity.Of(request.HttpContext).Principal?.AccessKeyId, null, ct);
                return Results.Accepted($"/v1/jobs/{started.JobId}", started);
            }).Op("Start" + kind, Capability.Detect, summary + "; poll GET /v1/jobs/{jobId}")
                .Accepts<VideoJobBody>("application/json").Produces<StartVideoJobResponse>(StatusCodes.Status202Accepted);
        }

        v1.MapPost("/jobs/face-detection", async (HttpRequest request, VideoJobs jobs, CancellationToken ct) =>
        {
            var body = await NativeInput.JsonAsync<VideoJobBody>(request, ct);
            var started = await jobs.StartAsync(VideoJobs.FaceDetection, ToRequest(body), RequestIdentity.Of(request.HttpContext).Principal?.AccessKeyId, null, ct);
            return Results.Accepted($"/v1/jobs/{started.JobId}", started);
        }).Op("StartFaceDetection", Capability.Detect, "Detect faces in a stored video (video.bucket / video.name in a local bucket); poll GET /v1/jobs/{jobId}")
            .Accepts<VideoJobBody>("application/json").Produces<StartVideoJobResponse>(StatusCodes.Status202Accepted);

        v1.MapPost("/jobs/face-search", async (HttpRequest request, VideoJobs jobs, IdentificationPipeline pipeline, CancellationToken ct) =>
        {
            var body = await NativeInput.JsonAsync<VideoJobBody>(request, ct);
            var identity = RequestIdentity.Of(request.HttpContext);
            identity.Probe ??= Probe.OfS3(body.Video?.Bucket, body.Video?.Name);
            // Starting a job returns no matches; its results become leads when the job finishes.
            var started = await NativeSearch.RunAsync(request, pipeline, "faceMatchThreshold", async (threshold, admitted) => new Identified<StartVideoJobResponse>(
                await jobs.StartAsync(VideoJobs.FaceSearch, ToRequest(body) with { FaceMatchThreshold = threshold }, identity.Principal?.AccessKeyId, admitted, ct), []), body.FaceMatchThreshold);
            return Results.Accepted($"/v1/jobs/{started.JobId}", started);
        }).Op("StartFaceSearch", Capability.Search, "Search a collection with the faces of a stored video; matches are leads for human review")
            .Accepts<VideoJobBody>("application/json").Produces<StartVideoJobResponse>(StatusCodes.Status202Accepted);

        v1.MapGet("/jobs/{jobId}", async (string jobId, HttpRequest request, VideoJobs jobs, RekognitionEndpoint endpoint, CancellationToken ct) =>
        {
            var get = new GetVideoJobRequest(jobId, NativeInput.Int(request, "maxResults", 1, 1000), NativeInput.Text(request, "nextToken"), NativeInput.Text(request, "sortBy"))
            {
                AggregateBy = NativeInput.Text(request, "aggregateBy"),
            };
            switch (await jobs.KindOfAsync(jobId, ct))
            {
                case VideoJobs.FaceDetection: return Results.Ok(await endpoint.GetFaceDetectionAsync(get, ct));
                case VideoJobs.LabelDetection: return Results.Ok(await endpoint.GetLabelDetectionAsync(get, ct));
                case VideoJobs.TextDetection: return Results.Ok(await endpoint.GetTextDetectionAsync(get, ct));
                case VideoJobs.SegmentDetection: return Results.Ok(await endpoint.GetSegmentDetectionAsync(get, ct));
                case VideoJobs.PersonTracking: return Results.Ok(await endpoint.GetPersonTrackingAsync(get, ct));
                case VideoJobs.PlateReading: return Results.Ok(await endpoint.GetPlateReadingAsync(get, ct));
            }
            var principal = RequestIdentity.Of(request.HttpContext).Principal!;
            Roles.Demand(principal.AccessKeyId, principal.Role, Capability.Search, "GetFaceSearch");
            return Results.Ok(await endpoint.GetFaceSearchAsync(get, ct));
        }).Op("GetVideoJob", Capability.Detect, "A video job's status and a page of its results (maxResults, nextToken; sortBy INDEX|TIMESTAMP for searches and person tracking, NAME|TIMESTAMP and aggregateBy TIMESTAMPS|SEGMENTS for labels)")
            .Produces<GetFaceDetectionResponse>().Produces<GetFaceSearchResponse>().Produces<GetLabelDetectionResponse>().Produces<GetTextDetectionResponse>()
            .Produces<GetSegmentDetectionResponse>().Produces<GetPersonTrackingResponse>().Produces<GetPlateReadingResponse>();
    }

    internal static RouteHandlerBuilder Op(this RouteHandlerBuilder builder, string name, Capability capability, string summary) =>
        builder.WithName(name).WithSummary(summary).WithMetadata(new NativeOperation(name, capability));

    internal static RouteHandlerBuilder AcceptsImage(this RouteHandlerBuilder builder) =>
        builder.Accepts<IFormFile>("multipart/form-data", "image/jpeg", "image/png", "image/webp", "image/bmp", "application/octet-stream");

    private static void MapFaces(RouteGroupBuilder v1)
    {
        v1.MapPost("/faces/detect", async (HttpRequest request, ImageDecoder decoder, FaceEngine engine, CancellationToken ct) =>
        {
            bool all = NativeInput.Text(request, "attributes") is "all" or "ALL";
            using var image = await ImageUpload.ReadAsync(request, decoder, "image", ct);
            var faces = engine.Analyze(image, new FaceRequest { AllAttributes = all }, ct);
            return Results.Ok(new DetectFacesResponse([.. faces.Select(f => RekognitionMapper.ToFaceDetail(f, image.Width, image.Height))]));
        }).Op("DetectFaces", Capability.Detect, "Detect faces in an uploaded image (?attributes=all for estimated attributes)")
            .AcceptsImage().Produces<DetectFacesResponse>();

        v1.MapPost("/faces/compare", async (HttpRequest request, ImageDecoder decoder, FaceComparer comparer, CancellationToken ct) =>
        {
            if (!request.HasFormContentType)
                throw SightlineException.InvalidParameter("Send multipart/form-data with parts 'source' and 'target'.");
            float threshold = NativeInput.Float(request, "similarityThreshold", 0, 100) ?? FaceComparer.DefaultThreshold;
            using var source = await ImageUpload.ReadAsync(request, decoder, "source", ct);
            using var target = await ImageUpload.ReadAsync(request, decoder, "target", ct);
            return Results.Ok(comparer.Compare(source, target, threshold, ct));
        }).Op("CompareFaces", Capability.Detect, "Compare the largest face of 'source' with the faces of 'target' (multipart)")
            .Accepts<IFormFile>("multipart/form-data").Produces<CompareFacesResponse>();
    }

    private static void MapCollections(RouteGroupBuilder v1)
    {
        v1.MapGet("/collections", async (HttpRequest request, CollectionService collections, CancellationToken ct) =>
            Results.Ok(await collections.ListCollectionsAsync(NativeInput.Text(request, "nextToken"), NativeInput.Int(request, "maxResults", 0, 4096), ct)))
            .Op("ListCollections", Capability.Read, "List collections (paged: maxResults, nextToken)").Produces<ListCollectionsResponse>();

        v1.MapPost("/collections", async (HttpRequest request, CollectionService collections, CancellationToken ct) =>
        {
            var body = await NativeInput.JsonAsync<CreateCollectionBody>(request, ct);
            var created = await collections.CreateCollectionAsync(RequestIdentity.AuditOf(request.HttpContext), body.CollectionId ?? throw SightlineException.InvalidParameter("collectionId is required."), ct);
            return Results.Created($"/v1/collections/{Uri.EscapeDataString(body.CollectionId)}", created);
        }).Op("CreateCollection", Capability.Index, "Create a collection").Accepts<CreateCollectionBody>("application/json")
            .Produces<CreateCollectionResponse>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status409Conflict);

        v1.MapGet("/collections/{collectionId}", async (string collectionId, CollectionService collections, CancellationToken ct) => Results.Ok(await collections.DescribeCollectionAsync(collectionId, ct)))
            .Op("DescribeCollection", Capability.Read, "Describe a collection").Produces<DescribeCollectionResponse>().ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapDelete("/collections/{collectionId}", async (string collectionId, HttpContext context, CollectionService collections, CancellationToken ct) =>
            Results.Ok(await collections.DeleteCollectionAsync(RequestIdentity.AuditOf(context), collectionId, ct)))
            .Op("DeleteCollection", Capability.Index, "Delete a collection and its faces").Produces<DeleteCollectionResponse>().ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapGet("/collections/{collectionId}/tags", async (string collectionId, CollectionService collections, CancellationToken ct) =>
            Results.Ok(await collections.ListTagsForResourceAsync(CollectionService.Arn(collectionId), ct)))
            .Op("ListTagsForResource", Capability.Read, "A collection's tags").Produces<ListTagsForResourceResponse>();

        v1.MapPut("/collections/{collectionId}/tags", async (string collectionId, HttpRequest request, CollectionService collections, CancellationToken ct) =>
        {
            var body = await NativeInput.JsonAsync<TagsBody>(request, ct);
            await collections.TagResourceAsync(RequestIdentity.AuditOf(request.HttpContext), CollectionService.Arn(collectionId), body.Tags, ct);
            return Results.Ok(await collections.ListTagsForResourceAsync(CollectionService.Arn(collectionId), ct));
        }).Op("TagResource", Capability.Index, "Add or change tags").Accepts<TagsBody>("application/json").Produces<ListTagsForResourceResponse>();

        v1.MapDelete("/collections/{collectionId}/tags/{key}", async (string collectionId, string key, HttpContext context, CollectionService collections, CancellationToken ct) =>
        {
            await collections.UntagResourceAsync(RequestIdentity.AuditOf(context), CollectionService.Arn(collectionId), [key], ct);
            return Results.NoContent();
        }).Op("UntagResource", Capability.Index, "Remove a tag");
    }

    private static void MapCollectionFaces(RouteGroupBuilder v1)
    {
        v1.MapPost("/collections/{collectionId}/faces", async (string collectionId, HttpRequest request, ImageDecoder decoder, CollectionService collections, CancellationToken ct) =>
        {
            var options = new IndexFacesRequest(collectionId, NativeInput.Text(request, "externalImageId"), NativeInput.Int(request, "maxFaces", 1, 100),
                NativeInput.Text(request, "qualityFilter"), NativeInput.Text(request, "attributes") is "all" or "ALL");
            using var image = await ImageUpload.ReadAsync(request, decoder, "image", ct);
            return Results.Ok(await collections.IndexFacesAsync(RequestIdentity.AuditOf(request.HttpContext), options, image, ct));
        }).Op("IndexFaces", Capability.Index, "Index the faces of an uploaded image (externalImageId, maxFaces, qualityFilter)")
            .AcceptsImage().Produces<IndexFacesResponse>().ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapGet("/collections/{collectionId}/faces", async (string collectionId, HttpRequest request, CollectionService collections, CancellationToken ct) =>
            Results.Ok(await collections.ListFacesAsync(collectionId, NativeInput.Text(request, "nextToken"), NativeInput.Int(request, "maxResults", 0, 4096), null, NativeInput.Text(request, "userId"), ct)))
            .Op("ListFaces", Capability.Read, "List a collection's faces (paged; userId filters)").Produces<ListFacesResponse>();

        v1.MapDelete("/collections/{collectionId}/faces/{faceId}", async (string collectionId, string faceId, HttpContext context, CollectionService collections, CancellationToken ct) =>
            Results.Ok(await collections.DeleteFacesAsync(RequestIdentity.AuditOf(context), collectionId, [faceId], ct)))
            .Op("DeleteFaces", Capability.Index, "Delete a face").Produces<DeleteFacesResponse>();

        v1.MapPost("/collections/{collectionId}/searches", async (string collectionId, HttpRequest request, ImageDecoder decoder, CollectionService collections,
            IdentificationPipeline pipeline, CancellationToken ct) =>
        {
            int? maxFaces = NativeInput.Int(request, "maxFaces", 1, 4096);
            using var image = await ImageUpload.ReadAsync(request, decoder, "image", ct);
            return Results.Ok(await NativeSearch.RunAsync(request, pipeline, "faceMatchThreshold", threshold => collections.SearchFacesByImageAsync(collectionId, image, maxFaces, threshold, ct)));
        }).Op("SearchFacesByImage", Capability.Search, "Search the collection with the largest face of an uploaded image; matches are leads for human review")
            .AcceptsImage().Produces<SearchFacesByImageResponse>();

        v1.MapPost("/collections/{collectionId}/faces/{faceId}/searches", async (string collectionId, string faceId, HttpRequest request, CollectionService collections,
            IdentificationPipeline pipeline, CancellationToken ct) =>
        {
            int? maxFaces = NativeInput.Int(request, "maxFaces", 1, 4096);
            return Results.Ok(await NativeSearch.RunAsync(request, pipeline, "faceMatchThreshold", threshold => collections.SearchFacesAsync(collectionId, faceId, maxFaces, threshold, ct)));
        })
            .Op("SearchFaces", Capability.Search, "Search the collection with a stored face; matches are leads for human review").Produces<SearchFacesResponse>();
    }

    private static void MapUsers(RouteGroupBuilder v1)
    {
        v1.MapPost("/collections/{collectionId}/users", async (string collectionId, HttpRequest request, CollectionService collections, CancellationToken ct) =>
        {
            var body = await NativeInput.JsonAsync<CreateUserBody>(request, ct);
            await collections.CreateUserAsync(RequestIdentity.AuditOf(request.HttpContext), collectionId, body.UserId ?? throw SightlineException.InvalidParameter("userId is required."), null, ct);
            return Results.Created($"/v1/collections/{Uri.EscapeDataString(collectionId)}/users/{Uri.EscapeDataString(body.UserId)}", new { body.UserId });
        }).Op("CreateUser", Capability.Index, "Create a user in a collection").Accepts<CreateUserBody>("application/json").ProducesProblem(StatusCodes.Status409Conflict);

        v1.MapGet("/collections/{collectionId}/users", async (string collectionId, HttpRequest request, CollectionService collections, CancellationToken ct) =>
            Results.Ok(await collections.ListUsersAsync(collectionId, NativeInput.Text(request, "nextToken"), NativeInput.Int(request, "maxResults", 1, 500), ct)))
            .Op("ListUsers", Capability.Read, "List a collection's users (paged)").Produces<ListUsersResponse>();

        v1.MapDelete("/collections/{collectionId}/users/{userId}", async (string collectionId, string userId, HttpContext context, CollectionService collections, CancellationToken ct) =>
        {
            await collections.DeleteUserAsync(RequestIdentity.AuditOf(context), collectionId, userId, ct);
            return Results.NoContent();
        }).Op("DeleteUser", Capability.Index, "Delete a user (its faces stay, unassociated)");

        v1.MapPost("/collections/{collectionId}/users/{userId}/faces", async (string collectionId, string userId, HttpRequest request, CollectionService collections, CancellationToken ct) =>
        {
            var body = await NativeInput.JsonAsync<FaceIdsBody>(request, ct);
            return Results.Ok(await collections.AssociateFacesAsync(RequestIdentity.AuditOf(request.HttpContext), collectionId, userId, body.FaceIds ?? [], NativeInput.Float(request, "userMatchThreshold", 0, 100), ct));
        }).Op("AssociateFaces", Capability.Index, "Associate faces with a user").Accepts<FaceIdsBody>("application/json").Produces<AssociateFacesResponse>();

        v1.MapPost("/collections/{collectionId}/users/{userId}/faces/removals", async (string collectionId, string userId, HttpRequest request, CollectionService collections, CancellationToken ct) =>
        {
            var body = await NativeInput.JsonAsync<FaceIdsBody>(request, ct);
            return Results.Ok(await collections.DisassociateFacesAsync(RequestIdentity.AuditOf(request.HttpContext), collectionId, userId, body.FaceIds ?? [], ct));
        }).Op("DisassociateFaces", Capability.Index, "Disassociate faces from a user").Accepts<FaceIdsBody>("application/json").Produces<DisassociateFacesResponse>();

        v1.MapPost("/collections/{collectionId}/users/searches", async (string collectionId, HttpRequest request, ImageDecoder decoder, CollectionService collections,
            IdentificationPipeline pipeline, CancellationToken ct) =>
        {
            int? maxUsers = NativeInput.Int(request, "maxUsers", 1, 500);
            using var image = await ImageUpload.ReadAsync(request, decoder, "image", ct);
            return Results.Ok(await NativeSearch.RunAsync(request, pipeline, "userMatchThreshold", threshold => collections.SearchUsersByImageAsync(collectionId, image, threshold, maxUsers, ct)));
        }).Op("SearchUsersByImage", Capability.Search, "Search users with the largest face of an uploaded image; matches are leads for human review")
            .AcceptsImage().Produces<SearchUsersByImageResponse>();

        v1.MapPost("/collections/{collectionId}/users/{userId}/searches", async (string collectionId, string userId, HttpRequest request, CollectionService collections,
            IdentificationPipeline pipeline, CancellationToken ct) =>
        {
            int? maxUsers = NativeInput.Int(request, "maxUsers", 1, 500);
            return Results.Ok(await NativeSearch.RunAsync(request, pipeline, "userMatchThreshold", threshold => collections.SearchUsersAsync(collectionId, userId, null, threshold, maxUsers, ct)));
        })
            .Op("SearchUsers", Capability.Search, "Search users with a stored user's faces").Produces<SearchUsersResponse>();
    }
}
