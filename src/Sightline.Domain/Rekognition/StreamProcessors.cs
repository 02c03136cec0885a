namespace Sightline.Rekognition;

// Rekognition's stream processor shapes, as the AWS SDKs send and read them (AWS JSON 1.1, PascalCase).

public sealed record KinesisVideoStreamRef(string? Arn);

public sealed record StreamProcessorInput(KinesisVideoStreamRef? KinesisVideoStream);

public sealed record KinesisDataStreamRef(string? Arn);

public sealed record S3DestinationRef(string? Bucket, string? KeyPrefix);

public sealed record StreamProcessorOutput(KinesisDataStreamRef? KinesisDataStream, S3DestinationRef? S3Destination);

public sealed record FaceSearchSettings(string? CollectionId, float? FaceMatchThreshold);

public sealed record ConnectedHomeSettings(IReadOnlyList<string>? Labels, float? MinConfidence);

public sealed record StreamProcessorSettings(FaceSearchSettings? FaceSearch, ConnectedHomeSettings? ConnectedHome);

public sealed record NotificationChannelRef(string? SNSTopicArn);

public sealed record RoiPoint(float? X, float? Y);

public sealed record RoiBox(float? Width, float? Height, float? Left, float? Top);

public sealed record RegionOfInterestShape(RoiBox? BoundingBox, IReadOnlyList<RoiPoint>? Polygon);

public sealed record DataSharingPreferenceShape(bool? OptIn);

public sealed record CreateStreamProcessorRequest(
    StreamProcessorInput? Input,
    StreamProcessorOutput? Output,
    string? Name,
    StreamProcessorSettings? Settings,
    string? RoleArn,
    Dictionary<string, string>? Tags,
    NotificationChannelRef? NotificationChannel,
    string? KmsKeyId,
    IReadOnlyList<RegionOfInterestShape>? RegionsOfInterest,
    DataSharingPreferenceShape? DataSharingPreference);

public sealed record CreateStreamProcessorResponse(string StreamProcessorArn);

/// <summary>StopStreamProcessor, DescribeStreamProcessor and DeleteStreamProcessor name the processor only.</summary>
public sealed record StreamProcessorNameRequest(string? Name);

public sealed record KvsStreamStartSelector(long? ProducerTimestamp, string? FragmentNumber);

public sealed record StreamProcessorStartSelector(KvsStreamStartSelector? KVSStreamStartSelector);

public sealed record StreamProcessorStopSelector(long? MaxDurationInSeconds);

public sealed record StartStreamProcessorRequest(string? Name, StreamProcessorStartSelector? StartSelector, StreamProcessorStopSelector? StopSelector);

public sealed record StartStreamProcessorResponse(string SessionId);

public sealed record DescribeStreamProcessorResponse(
    string Name,
    string StreamProcessorArn,
    string Status,
    string? StatusMessage,
    double CreationTimestamp,
    double LastUpdateTimestamp,
    StreamProcessorInput Input,
    StreamProcessorOutput Output,
    string? RoleArn,
    StreamProcessorSettings Settings,
    NotificationChannelRef? NotificationChannel,
    string? KmsKeyId,
    IReadOnlyList<RegionOfInterestShape>? RegionsOfInterest,
    DataSharingPreferenceShape? DataSharingPreference);

public sealed record ListStreamProcessorsRequest(string? NextToken, int? MaxResults);

public sealed record StreamProcessorSummary(string Name, string Status);

public sealed record ListStreamProcessorsResponse(IReadOnlyList<StreamProcessorSummary> StreamProcessors, string? NextToken);

public sealed record ConnectedHomeForUpdate(IReadOnlyList<string>? Labels, float? MinConfidence);

public sealed record StreamProcessorSettingsForUpdate(ConnectedHomeForUpdate? ConnectedHomeForUpdate);

public sealed record UpdateStreamProcessorRequest(
    string? Name,
    StreamProcessorSettingsForUpdate? SettingsForUpdate,
    IReadOnlyList<RegionOfInterestShape>? RegionsOfInterestForUpdate,
    DataSharingPreferenceShape? DataSharingPreferenceForUpdate,
    IReadOnlyList<string>? ParametersToDelete);
