using Sightline.ObjectStorage;
using Sightline.Rekognition;
using Sightline.Storage;

namespace Sightline.Live.Processors;

/// <summary>
/// Rekognition's stream processor operations over registered cameras. A FaceSearch processor is allowed only
/// under an authorization covering its camera and collection (AccessDeniedException otherwise), and its matches are
/// the leads live face search files under that authorization; a ConnectedHome processor reports the camera's events
/// of its labels into a local bucket. Every change is audited; the runner moves the states on.
/// </summary>
public sealed class StreamProcessorDesk(IStreamProcessorStore store, ICameraStore cameras, ICollectionStore collections, IAuthorizationStore authorizations,
    ObjectStore objects, TimeProvider time)
{
    public const int MaxProcessors = 128;
    public const int MaxTags = 200;

    public async Task<CreateStreamProcessorResponse> CreateAsync(AuditEntry audit, CreateStreamProcessorRequest r, string? createdBy, CancellationToken ct)
    {
        string name = StreamProcessorRules.Name(r.Name);
        if (string.IsNullOrWhiteSpace(r.RoleArn))
            throw SightlineException.InvalidParameter("RoleArn is required (it is recorded; Sightline's own access control applies).");
        string cameraName = StreamProcessorRules.Camera(r.Input?.KinesisVideoStream?.Arn);
        var camera = await cameras.GetCameraAsync(cameraName, ct).ConfigureAwait(false)
            ?? throw SightlineException.InvalidParameter($"Input.KinesisVideoStream.Arn names camera '{cameraName}', which is not registered ('sightline cameras add').");
        if (r.Tags is { Count: > MaxTags } || r.Tags?.Any(t => t.Key.Length is 0 or > 128 || t.Value is null || t.Value.Length > 256) == true)
            throw SightlineException.InvalidParameter($"Tags holds at most {MaxTags} tags, keys of 1–128 characters and values of at most 256.");
        if ((r.Settings?.FaceSearch is null) == (r.Settings?.ConnectedHome is null))
            throw SightlineException.InvalidParameter("Settings needs exactly one of FaceSearch and ConnectedHome.");
        if ((await store.ListStreamProcessorsAsync(ct).ConfigureAwait(false)).Count >= MaxProcessors)
            throw new SightlineException(ErrorKind.LimitExceeded, $"A server holds at most {MaxProcessors} stream processors.");
        var now = Truncate(time.GetUtcNow());
        var record = new StreamProcessorRecord(name, StreamProcessorRules.Arn(name), r.Input!.KinesisVideoStream!.Arn!, camera.Name,
            r.Settings!.FaceSearch is null ? StreamProcessorRecord.ConnectedHome : StreamProcessorRecord.FaceSearch, now)
        {
            RoleArn = r.RoleArn,
            KmsKeyId = r.KmsKeyId,
            DataSharingOptIn = r.DataSharingPreference?.OptIn ?? false,
            RegionsOfInterest = StreamProcessorRules.Regions(r.RegionsOfInterest),
            Tags = r.Tags ?? [],
            UpdatedAt = now,
            CreatedBy = createdBy,
        };
        if (r.Settings.FaceSearch is { } face)
        {
            string collectionId = Collections.Validate.CollectionId(face.CollectionId);
            if (await collections.GetCollectionAsync(collectionId, withCounts: false, ct).ConfigureAwait(false) is null)
                throw new SightlineException(ErrorKind.ResourceNotFound, $"The collection '{collectionId}' does not exist.");
            record = record with
            {
                CollectionId = collectionId,
                FaceMatchThreshold = StreamProcessorRules.Confidence("Settings.FaceSearch.FaceMatchThreshold", face.FaceMatchThreshold),
                KinesisDataStreamArn = StreamProcessorRules.DataStream(r.Output?.KinesisDataStream?.Arn),
            };
            await RequireAuthorizationAsync(record, now, pendingAllowed: true, ct).ConfigureAwait(false);
        }
        else
        {
            var home = r.Settings.ConnectedHome!;
            var labels = StreamProcessorRules.Labels(home.Labels);
            if (!StreamProcessorRules.DetectorLabels(labels).Overlaps(camera.Settings.Labels))
                throw SightlineException.InvalidParameter($"Camera '{camera.Name}' watches none of what {string.Join(", ", labels)} stands for "
                    + $"({string.Join(", ", StreamProcessorRules.DetectorLabels(labels))}); add one with 'sightline cameras update {camera.Name} --detect ...'.");
            if (r.Output?.S3Destination is not { Bucket: { } bucket } || objects.BucketDirectory(bucket) is null)
                throw SightlineException.InvalidParameter("A ConnectedHome processor needs Output.S3Destination.Bucket naming a bucket configured on this server (--bucket NAME=DIRECTORY).");
            string? prefix = r.Output.S3Destination.KeyPrefix;
            if (prefix is { Length: > 1024 } || prefix is not null && (prefix.StartsWith('/') || prefix.Split('/').Any(s => s is ".." or ".") || prefix.Any(char.IsControl)))
                throw SightlineException.InvalidParameter("Output.S3Destination.KeyPrefix must be a relative key prefix of at most 1024 characters.");
            record = record with
            {
                Labels = labels,
                MinConfidence = StreamProcessorRules.Confidence("Settings.ConnectedHome.MinConfidence", home.MinConfidence),
                S3Bucket = bucket,
                S3KeyPrefix = prefix,
                SnsTopicArn = StreamProcessorRules.Topic(r.NotificationChannel?.SNSTopicArn),
            };
        }
        await store.AddStreamProcessorAsync(audit with { CollectionId = record.CollectionId }, record, ct).ConfigureAwait(false);
        return new CreateStreamProcessorResponse(record.Arn);
    }

    public async Task<StartStreamProcessorResponse> StartAsync(AuditEntry audit, StartStreamProcessorRequest r, CancellationToken ct)
    {
        var current = await RequireAsync(r.Name, ct).ConfigureAwait(false);
        if (current.Status is not (StreamProcessorStatus.Stopped or StreamProcessorStatus.Failed))
            throw new SightlineException(ErrorKind.ResourceInUse, $"Stream processor '{current.Name}' is {current.Status}; only a stopped one can be started.");
        var now = Truncate(time.GetUtcNow());
        int? maxSeconds = null;
        if (r.StartSelector is not null || r.StopSelector is not null)
        {
            if (current.Kind != StreamProcessorRecord.ConnectedHome)
                throw SightlineException.InvalidParameter("StartSelector and StopSelector are for ConnectedHome (label detection) processors only.");
            if (r.StopSelector?.MaxDurationInSeconds is { } seconds)
            {
                if (seconds is < 1 or > StreamProcessorRules.MaxStopSeconds)
                    throw SightlineException.InvalidParameter($"StopSelector.MaxDurationInSeconds must be between 1 and {StreamProcessorRules.MaxStopSeconds}.");
                maxSeconds = (int)seconds;
            }
            if (r.StartSelector?.KVSStreamStartSelector is { ProducerTimestamp: { } start } && start > now.ToUnixTimeMilliseconds() + 60_000)
                throw SightlineException.InvalidParameter("StartSelector.KVSStreamStartSelector.ProducerTimestamp is in the future; a live camera starts now.");
        }
        if (current.Kind == StreamProcessorRecord.FaceSearch)
            await RequireAuthorizationAsync(current, now, pendingAllowed: false, ct).ConfigureAwait(false);
        var started = current with
        {
            Status = StreamProcessorStatus.Starting, StatusMessage = null, SessionId = Guid.NewGuid().ToString(), StartedAt = now, MaxDurationSeconds = maxSeconds, UpdatedAt = now,
        };
        if (!await store.UpdateStreamProcessorAsync(audit with { CollectionId = current.CollectionId }, started, current.Status, ct).ConfigureAwait(false))
            throw new SightlineException(ErrorKind.ResourceInUse, $"Stream processor '{current.Name}' changed state meanwhile; try again.");
        return new StartStreamProcessorResponse(started.SessionId!);
    }

    public async Task<EmptyResponse> StopAsync(AuditEntry audit, StreamProcessorNameRequest r, CancellationToken ct)
    {
        var current = await RequireAsync(r.Name, ct).ConfigureAwait(false);
        if (current.Status is not (StreamProcessorStatus.Running or StreamProcessorStatus.Starting))
            throw new SightlineException(ErrorKind.ResourceInUse, $"Stream processor '{current.Name}' is {current.Status}; only a running one can be stopped.");
        var stopping = current with { Status = StreamProcessorStatus.Stopping, StatusMessage = "stopped by request", UpdatedAt = Truncate(time.GetUtcNow()) };
        if (!await store.UpdateStreamProcessorAsync(audit with { CollectionId = current.CollectionId }, stopping, current.Status, ct).ConfigureAwait(false))
            throw new SightlineException(ErrorKind.ResourceInUse, $"Stream processor '{current.Name}' changed state meanwhile; try again.");
        return new EmptyResponse();
    }

    public async Task<DescribeStreamProcessorResponse> DescribeAsync(StreamProcessorNameRequest r, CancellationToken ct) =>
        Describe(await RequireAsync(r.Name, ct).ConfigureAwait(false));

    public async Task<ListStreamProcessorsResponse> ListAsync(ListStreamProcessorsRequest r, CancellationToken ct)
    {
        int limit = r.MaxResults is null ? 1000 : r.MaxResults is >= 1 and <= 1000 ? r.MaxResults.Value
            : throw SightlineException.InvalidParameter("MaxResults must be between 1 and 1000.");
        var all = await store.ListStreamProcessorsAsync(ct).ConfigureAwait(false);
        int offset = 0;
        if (r.NextToken is { Length: > 0 } token && (!int.TryParse(token, System.Globalization.CultureInfo.InvariantCulture, out offset) || offset < 0))
            throw SightlineException.InvalidParameter("NextToken is not one this server issued.");
        var page = all.Skip(offset).Take(limit).Select(p => new StreamProcessorSummary(p.Name, p.Status)).ToList();
        return new ListStreamProcessorsResponse(page, offset + limit < all.Count ? (offset + limit).ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
    }

    public async Task<EmptyResponse> DeleteAsync(AuditEntry audit, StreamProcessorNameRequest r, CancellationToken ct)
    {
        var current = await RequireAsync(r.Name, ct).ConfigureAwait(false);
        if (current.Status is StreamProcessorStatus.Running or StreamProcessorStatus.Starting or StreamProcessorStatus.Stopping)
            throw new SightlineException(ErrorKind.ResourceInUse, $"Stream processor '{current.Name}' is {current.Status}; stop it before deleting it.");
        if (!await store.DeleteStreamProcessorAsync(audit with { CollectionId = current.CollectionId }, current.Name, ct).ConfigureAwait(false))
            throw new SightlineException(ErrorKind.ResourceNotFound, $"Stream processor '{current.Name}' does not exist.");
        return new EmptyResponse();
    }

    public async Task<EmptyResponse> UpdateAsync(AuditEntry audit, UpdateStreamProcessorRequest r, CancellationToken ct)
    {
        var current = await RequireAsync(r.Name, ct).ConfigureAwait(false);
        if (current.Status is StreamProcessorStatus.Running or StreamProcessorStatus.Starting or StreamProcessorStatus.Stopping)
            throw new SightlineException(ErrorKind.ResourceInUse, $"Stream processor '{current.Name}' is {current.Status}; stop it before updating it.");
        var updated = current;
        if (r.SettingsForUpdate?.ConnectedHomeForUpdate is { } home)
        {
            if (current.Kind != StreamProcessorRecord.ConnectedHome)
                throw SightlineException.InvalidParameter("SettingsForUpdate.ConnectedHomeForUpdate applies to ConnectedHome processors only.");
            updated = updated with
            {
                Labels = home.Labels is null ? updated.Labels : StreamProcessorRules.Labels(home.Labels),
                MinConfidence = home.MinConfidence is null ? updated.MinConfidence : StreamProcessorRules.Confidence("ConnectedHomeForUpdate.MinConfidence", home.MinConfidence),
            };
        }
        if (r.RegionsOfInterestForUpdate is not null)
            updated = updated with { RegionsOfInterest = StreamProcessorRules.Regions(r.RegionsOfInterestForUpdate) };
        if (r.DataSharingPreferenceForUpdate?.OptIn is { } optIn)
            updated = updated with { DataSharingOptIn = optIn };
        if (r.ParametersToDelete is { Count: > 2 })
            throw SightlineException.InvalidParameter("ParametersToDelete holds at most 2 names (ConnectedHomeMinConfidence, RegionsOfInterest).");
        foreach (var parameter in r.ParametersToDelete ?? [])
        {
            updated = parameter switch
            {
                "ConnectedHomeMinConfidence" => updated with { MinConfidence = null },
                "RegionsOfInterest" => updated with { RegionsOfInterest = [] },
                _ => throw SightlineException.InvalidParameter($"ParametersToDelete: unknown parameter '{parameter}' (ConnectedHomeMinConfidence, RegionsOfInterest)."),
            };
        }
        updated = updated with { UpdatedAt = Truncate(time.GetUtcNow()) };
        if (!await store.UpdateStreamProcessorAsync(audit with { CollectionId = current.CollectionId }, updated, current.Status, ct).ConfigureAwait(false))
            throw new SightlineException(ErrorKind.ResourceInUse, $"Stream processor '{current.Name}' changed state meanwhile; try again.");
        return new EmptyResponse();
    }

    /// <summary>An authorization covering the processor's camera and collection: active now, or (to create one ahead) yet to start.</summary>
    private async Task RequireAuthorizationAsync(StreamProcessorRecord p, DateTimeOffset now, bool pendingAllowed, CancellationToken ct)
    {
        var all = await authorizations.ListAuthorizationsAsync(ct).ConfigureAwait(false);
        if (!all.Any(a => a.Covers(p.Camera) && a.CollectionId == p.CollectionId && (a.ActiveAt(now) || pendingAllowed && a.RevokedAt is null && a.ExpiresAt > now)))
            throw new SightlineException(ErrorKind.AccessDenied,
                $"Live face search on camera '{p.Camera}' against collection '{p.CollectionId}' needs an active authorization covering both ('sightline authorizations add'); there is none.");
    }

    private async Task<StreamProcessorRecord> RequireAsync(string? name, CancellationToken ct)
    {
        string checkedName = StreamProcessorRules.Name(name);
        return await store.GetStreamProcessorAsync(checkedName, ct).ConfigureAwait(false)
            ?? throw new SightlineException(ErrorKind.ResourceNotFound, $"Stream processor '{checkedName}' does not exist.");
    }

    private static DescribeStreamProcessorResponse Describe(StreamProcessorRecord p) => new(
        p.Name, p.Arn, p.Status, p.StatusMessage, p.CreatedAt.ToUnixTimeMilliseconds() / 1000.0, p.UpdatedAt.ToUnixTimeMilliseconds() / 1000.0,
        new StreamProcessorInput(new KinesisVideoStreamRef(p.InputArn)),
        new StreamProcessorOutput(p.KinesisDataStreamArn is null ? null : new KinesisDataStreamRef(p.KinesisDataStreamArn),
            p.S3Bucket is null ? null : new S3DestinationRef(p.S3Bucket, p.S3KeyPrefix)),
        p.RoleArn,
        p.Kind == StreamProcessorRecord.FaceSearch ? new StreamProcessorSettings(new FaceSearchSettings(p.CollectionId, p.FaceMatchThreshold), null)
            : new StreamProcessorSettings(null, new ConnectedHomeSettings(p.Labels, p.MinConfidence)),
        p.SnsTopicArn is null ? null : new NotificationChannelRef(p.SnsTopicArn),
        p.KmsKeyId,
        StreamProcessorRules.Shapes(p.RegionsOfInterest),
        new DataSharingPreferenceShape(p.DataSharingOptIn));

    private static DateTimeOffset Truncate(DateTimeOffset at) => DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds());
}
