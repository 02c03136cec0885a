namespace Sightline.Live;

/// <summary>
/// Which of the enabled cameras this process runs. A process alone runs them all (<see cref="AllCamerasHere"/>); a
/// node of a cluster runs those whose camera grains it hosts, so each camera runs on exactly one node and moves to a
/// survivor when its node dies.
/// </summary>
public interface ICameraPlacement
{
    /// <summary>
    /// The cameras among <paramref name="cameras"/> this process should run now. A camera whose place cannot be learnt
    /// at the moment keeps its current state: it is returned when it is in <paramref name="running"/>.
    /// </summary>
    Task<IReadOnlySet<string>> PlaceAsync(IReadOnlyList<string> cameras, IReadOnlySet<string> running, CancellationToken ct);
}

/// <summary>One process runs every camera.</summary>
public sealed class AllCamerasHere : ICameraPlacement
{
    public static readonly AllCamerasHere Instance = new();

    public Task<IReadOnlySet<string>> PlaceAsync(IReadOnlyList<string> cameras, IReadOnlySet<string> running, CancellationToken ct) =>
        Task.FromResult<IReadOnlySet<string>>(cameras.ToHashSet(StringComparer.Ordinal));
}
