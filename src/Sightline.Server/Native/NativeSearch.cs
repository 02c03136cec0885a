using Microsoft.AspNetCore.Http;
using Sightline.Collections;
using Sightline.Identification;

namespace Sightline.Server.Native;

/// <summary>A native identification search run through the pipeline with the entry the filter built for it.</summary>
internal static class NativeSearch
{
    /// <param name="threshold">The threshold asked for in the body, when the request has one; else the query's.</param>
    public static Task<T> RunAsync<T>(HttpRequest request, IdentificationPipeline pipeline, string thresholdName, Func<float, Task<Identified<T>>> search, float? threshold = null) =>
        RunAsync(request, pipeline, thresholdName, (effective, _) => search(effective), threshold);

    /// <param name="search">The search, given the admitted threshold and entry.</param>
    /// <param name="threshold">The threshold asked for in the body, when the request has one; else the query's.</param>
    public static Task<T> RunAsync<T>(HttpRequest request, IdentificationPipeline pipeline, string thresholdName, Func<float, Storage.AuditEntry, Task<Identified<T>>> search, float? threshold = null)
    {
        var identity = RequestIdentity.Of(request.HttpContext);
        var entry = identity.PendingSearch
            ?? throw new InvalidOperationException($"{request.Path} runs an identification search but its operation is not one (SearchGate.Identifies).");
        identity.PendingSearch = null; // the pipeline records the outcome from here, refusals included
        return pipeline.RunAsync(entry with { Probe = identity.Probe ?? entry.Probe }, threshold ?? entry.Threshold, thresholdName, search, request.HttpContext.RequestAborted);
    }
}
