using Sightline.Rekognition;
using Sightline.Storage;

namespace Sightline.Collections;

/// <summary>
/// A search's response with the matches it returned as typed leads beside it, so whoever records the search never
/// has to read its own answer back out of JSON.
/// </summary>
public sealed record Identified<TResponse>(TResponse Response, IReadOnlyList<LeadMatch> Leads)
{
    /// <summary>A JPEG of the searched face, kept with the leads for their reviewers (only when there are leads).</summary>
    public byte[]? ProbeImage { get; init; }
}

/// <summary>Leads from the typed matches of Rekognition's response shapes.</summary>
public static class LeadMatches
{
    public static IReadOnlyList<LeadMatch> Of(IEnumerable<FaceMatch> matches) => [.. matches.Select(m => new LeadMatch("face", m.Face.FaceId, m.Similarity))];

    public static IReadOnlyList<LeadMatch> Of(IEnumerable<UserMatch> matches) => [.. matches.Select(m => new LeadMatch("user", m.User.UserId, m.Similarity))];

    /// <summary>One lead per face however often it matched (a video's frames), at its best similarity, best first.</summary>
    public static IReadOnlyList<LeadMatch> BestPerFace(IEnumerable<FaceMatch> matches) =>
        [.. matches.GroupBy(m => m.Face.FaceId, StringComparer.Ordinal).Select(g => new LeadMatch("face", g.Key, g.Max(m => m.Similarity))).OrderByDescending(m => m.Similarity)];
}
