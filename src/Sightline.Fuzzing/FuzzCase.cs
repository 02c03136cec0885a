namespace Sightline.Fuzzing;

/// <summary>
/// One generated request: which API and operation it aims at, how it was made hostile (the mutation, for the report),
/// and exactly what goes on the wire. <see cref="Index"/> with the campaign's seed regenerates it.
/// </summary>
public sealed record FuzzCase(long Index, string Api, string Operation, string Mutation, string Method, string Target,
    IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    /// <summary>The Content-Type header sent, if any.</summary>
    public string? ContentType => Headers.FirstOrDefault(h => h.Key.Equals("content-type", StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>What the campaign knows of the server under test: where it is, a key, and ids that exist there.</summary>
public sealed record FuzzTarget(Uri Address, string AccessKeyId, string SecretAccessKey, IReadOnlyList<string> Collections,
    IReadOnlyList<string> FaceIds, IReadOnlyList<string> UserIds, IReadOnlyList<string> JobIds, string Bucket, IReadOnlyList<string> Objects);
