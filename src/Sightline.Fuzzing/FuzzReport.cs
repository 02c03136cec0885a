namespace Sightline.Fuzzing;

/// <summary>One request the campaign counts against the server: what was sent, what came back, how long it took.</summary>
public sealed record FuzzFailure(long Index, string Api, string Operation, string Mutation, string Method, string Target, int Status, double Seconds, string Reason, string Response);

/// <summary>Counts per API and operation: answers by status class and the slowest.</summary>
public sealed record OperationCounts(string Api, string Operation, long Sent, long Ok, long ClientErrors, long ServerErrors, long Overloaded, double MaxSeconds);

/// <summary>
/// What a campaign found. It passes when no answer was a 5xx other than 503 (overload), none took longer than the
/// limit, every request got an answer, the server was alive at the end and its RSS stayed under the bound.
/// </summary>
public sealed record FuzzReport(int Seed, long Requests, double Seconds, IReadOnlyDictionary<int, long> ByStatus, IReadOnlyDictionary<string, long> ByMutation,
    IReadOnlyList<OperationCounts> Operations, int AwsOperations, int NativeOperations, long NoAnswer, long Slow, double SlowestSeconds, double MedianMs,
    double RssStartMb, double RssPeakMb, double RssEndMb, double RssBoundMb, bool AliveAtEnd, IReadOnlyList<string> StuckJobs, IReadOnlyList<FuzzFailure> Failures)
{
    public long ServerErrors => ByStatus.Where(s => s.Key >= 500 && s.Key != 503).Sum(s => s.Value);

    public bool Passed => ServerErrors == 0 && NoAnswer == 0 && Slow == 0 && AliveAtEnd && RssPeakMb <= RssBoundMb && StuckJobs.Count == 0;

    /// <summary>Why it failed, one reason a line; empty when it passed.</summary>
    public IEnumerable<string> Reasons()
    {
        if (ServerErrors > 0) yield return $"{ServerErrors} answers were 5xx other than 503";
        if (NoAnswer > 0) yield return $"{NoAnswer} requests got no answer (connection closed or reset)";
        if (Slow > 0) yield return $"{Slow} requests took longer than the limit (slowest {SlowestSeconds:F1} s)";
        if (!AliveAtEnd) yield return "the server was not alive at the end";
        if (RssPeakMb > RssBoundMb) yield return $"the server's RSS reached {RssPeakMb:F0} MB, over the bound of {RssBoundMb:F0} MB";
        if (StuckJobs.Count > 0) yield return $"{StuckJobs.Count} video jobs never finished: {string.Join(", ", StuckJobs)}";
    }
}
