using Sightline.Access;
using Sightline.Collections;
using Sightline.Storage;

namespace Sightline.Identification;

/// <summary>
/// One identification search, the same for every host (AWS endpoint, native API, CLI, video jobs): the policy gate,
/// the search with its admitted entry (what a write it makes is recorded under), its matches as typed leads, and the record of what it disclosed made durable
/// before the answer is returned. A refusal is recorded with its error type and only the facts known to be sane.
/// </summary>
public sealed class IdentificationPipeline(IPolicyStore policies, IAuditStore audit, ILeadStore leads)
{
    /// <param name="entry">Who asks, under which case and purpose, on which collection, with which probe.</param>
    /// <param name="threshold">The match threshold asked for (null: the policy's floor).</param>
    /// <param name="thresholdName">The request field the threshold came from, for the refusal message.</param>
    /// <param name="search">Runs the search at the admitted threshold.</param>
    public Task<TResponse> RunAsync<TResponse>(AuditEntry entry, float? threshold, string thresholdName, Func<float, Task<Identified<TResponse>>> search, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        return RunAsync(entry, threshold, thresholdName, (effective, _) => search(effective), cancellationToken);
    }

    /// <param name="entry">Who asks, under which case and purpose, on which collection, with which probe.</param>
    /// <param name="threshold">The match threshold asked for (null: the policy's floor).</param>
    /// <param name="thresholdName">The request field the threshold came from, for the refusal message.</param>
    /// <param name="search">Runs the search at the admitted threshold, given the admitted entry (the case and purpose the policy settled).</param>
    public async Task<TResponse> RunAsync<TResponse>(AuditEntry entry, float? threshold, string thresholdName, Func<float, AuditEntry, Task<Identified<TResponse>>> search,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        entry = entry with { Threshold = MatchThreshold.Recordable(threshold) };
        try
        {
            MatchThreshold.Check(thresholdName, threshold);
            var (admitted, effective) = SearchGate.Admit(await policies.GetPolicyAsync(cancellationToken).ConfigureAwait(false), entry, threshold);
            entry = admitted;
            var found = await search(effective, admitted).ConfigureAwait(false);
            await leads.AppendSearchAsync(admitted with { Details = LeadDetails.Of(found.Leads) }, found.Leads, found.ProbeImage, cancellationToken).ConfigureAwait(false);
            return found.Response;
        }
        catch (SightlineException ex)
        {
            // Recorded even when the caller hung up: going away must not erase a refusal from the log.
            await RefuseAsync(entry, ex, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Records a refused identification request (also one refused before it reached <see cref="Run"/>).</summary>
    public Task RefuseAsync(AuditEntry entry, SightlineException refusal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(refusal);
        return audit.AppendAuditAsync(entry with { Outcome = refusal.RekognitionType, Details = null, Threshold = MatchThreshold.Recordable(entry.Threshold) }, cancellationToken);
    }
}
