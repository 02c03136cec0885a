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
    public IReadOnlyList<RetentionSweep> ApplyRetention(AuditEntry audit, DateTimeOffset now, CancellationToken ct)
    {
        var sweeps = new List<RetentionSweep>();
        foreach (var rule in retention.ListRetention())
        {
            DateTimeOffset? faceCutoff = rule.FaceDays is { } f ? now.AddDays(-f) : null, leadCutoff = rule.LeadDays is { } l ? now.AddDays(-l) : null;
            var faces = new List<StoredFace>();
            int leads = 0;
            RetentionSweep sweep;
            do
            {
                ct.ThrowIfCancellationRequested();
                sweep = retention.Sweep(audit, rule.CollectionId, faceCutoff, leadCutoff, RetentionBatch);
                indexes.Removed(rule.CollectionId, sweep.Faces.Select(x => x.RowId));
                faces.AddRange(sweep.Faces);
                leads += sweep.Leads;
            }
            while (sweep.Faces.Count + sweep.Leads > 0);
            sweeps.Add(new RetentionSweep(rule.CollectionId, faces, leads, sweep.HeldFaces, sweep.HeldLeads));
        }
        return sweeps;
    }
}
