using Sightline.Imaging;
using Sightline.Rekognition;
using Sightline.Video;

namespace Sightline.StoredVideo.Analysis;

/// <summary>
/// One kind of stored-video job: the frames it wants (<see cref="Sampling"/>), what it does with each, and its
/// results once the video has been read. One instance per job run; not thread-safe.
/// </summary>
internal interface IVideoAnalysis
{
    FrameSampling Sampling { get; }

    ValueTask AddAsync(long timestampMillis, DecodedImage frame, CancellationToken ct);

    ValueTask<VideoJobResults> FinishAsync(VideoMetadata metadata, VideoInfo info, CancellationToken ct);
}
