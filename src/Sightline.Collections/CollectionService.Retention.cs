using Sightline.Storage;

namespace Sightline.Collections;

public sealed partial class CollectionService
{
    /// <summary>Faces deleted per retention transaction (and per audit record).</summary>
    public const int RetentionBatch = 4096;

    /// <summary>
    /// Applies every collection's retention rule once: faces indexed and leads created longer ago than the rule
    /// allows are deleted in batches, each recorded under <paramref name="audit"/>, except what a legal hold covers.
    /// The indexes follow each batch.
    /// </summary>
    public async Task<IReadOnlyList<RetentionSweep>> ApplyRetentionAsync(AuditEntry audit, DateTimeOffset now, CancellationToken ct)
    {
        var sweeps = new List<RetentionSweep>();
        foreach (var rule in await retention.ListRetentionAsync(ct).ConfigureAwait(false))
        {
            DateTimeOffset? faceCutoff = rule.FaceDays is { } f ? now.AddDays(-f) : null, leadCutoff = rule.LeadDays is { } l ? now.AddDays(-l) : null;
            var faces = new List<StoredFace>();
            int leads = 0;
            RetentionSweep sweep;
            do
            {
                sweep = await retention.SweepAsync(audit, rule.CollectionId, faceCutoff, leadCutoff, RetentionBatch, ct).ConfigureAwait(false);
                await indexes.RemovedAsync(rule.CollectionId, sweep.Faces.Select(x => x.RowId)).ConfigureAwait(false);
                await _search.ChangedAsync(rule.CollectionId, [.. sweep.Faces.Select(x => x.RowId)]).ConfigureAwait(false);
                faces.AddRange(sweep.Faces);
                leads += sweep.Leads;
            }
            while (sweep.Faces.Count + sweep.Leads > 0);
            sweeps.Add(new RetentionSweep(rule.CollectionId, faces, leads, sweep.HeldFaces, sweep.HeldLeads));
        }
        return sweeps;
    }
}
