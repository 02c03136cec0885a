using Sightline.Live.Detection;
using Sightline.Live.Events;
using Sightline.Storage;

namespace Sightline.Live;

/// <summary>
/// What every camera's analysis shares: the detectors and their one queue, the event store and hub, the file store where
/// snapshots, clips and paths are kept, and the local directory clips are encoded in before they are stored.
/// </summary>
public sealed record LiveServices(LiveDetector Detector, DetectionQueue Queue, IEventStore Events, EventHub Hub, Alerts.IAlertEvaluator Alerts, IFileStore Files, string EventsDirectory)
{
    /// <summary>Live face search under authorizations (null where a host does not run it).</summary>
    public Faces.FaceSearchServices? Faces { get; init; }

    /// <summary>Plate reading and hotlists for cameras with <c>readPlates</c> (null where a host does not run it).</summary>
    public Alerts.PlateDesk? Plates { get; init; }
}
