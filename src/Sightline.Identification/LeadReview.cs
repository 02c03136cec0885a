using System.Globalization;
using Sightline.Access;
using Sightline.Collections;
using Sightline.Faces;
using Sightline.Storage;

namespace Sightline.Identification;

/// <summary>The search a lead came from, as its audit record tells it.</summary>
public sealed record LeadSearch(long Seq, DateTimeOffset At, string Operation, string Actor, string Role, string? Case, string? Purpose, string? Threshold, string? Probe);

/// <summary>An enrolled face of the candidate (its image: <c>GET /v1/collections/{collectionId}/faces/{faceId}/image.jpg</c>).</summary>
public sealed record CandidateFace(string FaceId, string? ExternalImageId, string? UserId);

/// <summary>Who the lead points at: a face or a user of the collection, and the enrolled faces to compare with (none when deleted since).</summary>
public sealed record LeadCandidate(string SubjectType, string SubjectId, string? CollectionId, bool InCollection, IReadOnlyList<CandidateFace> Faces);

/// <summary>
/// What the similarity means: the estimated chance that one comparison with a different person scores this high, the
/// collection's size now, and so how many false candidates a search of it could be expected to show at this score.
/// </summary>
/// <param name="AtMost">The similarity is above the highest the calibration estimates a rate for: the rates are upper bounds.</param>
public sealed record LeadFalseMatch(double? PerComparison, bool AtMost, long? FacesInCollection, double? ExpectedInCollection, string Basis);

/// <summary>One lead with what its reviewer needs to decide it.</summary>
public sealed record LeadReview(Lead Lead, LeadSearch? Search, LeadCandidate Candidate, LeadFalseMatch FalseMatch, bool HasProbeImage, bool MayDecide, string? WhyNot)
{
    /// <summary>Enrolled faces shown for a user candidate, at most.</summary>
    public const int MaxCandidateFaces = 12;

    public const string Basis =
        "Estimated from a normal curve fitted to 1,544 comparisons of different people (docs/accuracy.md, 'Similarity calibration'); "
        + "rates below about 1 in 500 are an extrapolation, and look-alikes (relatives, people of one age group) match more often than strangers.";

    public static async Task<LeadReview> BuildAsync(Lead lead, string reviewer, Policy policy, IAuditStore audit, CollectionService collections, SimilarityCalibration calibration,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lead);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(collections);
        ArgumentNullException.ThrowIfNull(calibration);
        var record = (await audit.ReadAuditAsync(lead.SearchSeq - 1, 1, cancellationToken).ConfigureAwait(false)).FirstOrDefault(r => r.Seq == lead.SearchSeq);
        var search = record is null ? null : new LeadSearch(record.Seq, record.At, record.Entry.Operation, record.Entry.Actor, record.Entry.Role, record.Entry.Case,
            record.Entry.Purpose, AuditChain.ThresholdText(record.Entry.Threshold), record.Entry.Probe);

        var (candidate, faceCount) = await CandidateAsync(lead, collections, cancellationToken).ConfigureAwait(false);
        double? rate = calibration.EstimatedFalseMatchRate(lead.Similarity);
        var falseMatch = new LeadFalseMatch(rate, rate is not null && lead.Similarity > calibration.HighestEstimatedSimilarity, faceCount, rate * faceCount, Basis);

        string? whyNot = lead.Status != LeadStatus.Pending
            ? string.Create(CultureInfo.InvariantCulture, $"Already decided: {lead.Status} by {lead.Reviewer}.")
            : !policy.ReviewOwnSearches && lead.SearchedBy == reviewer ? "You made this search; the policy requires another person to review it."
            : null;
        return new LeadReview(lead, search, candidate, falseMatch, lead.ProbeSha256 is not null, whyNot is null, whyNot);
    }

    private static async Task<(LeadCandidate Candidate, long? FaceCount)> CandidateAsync(Lead lead, CollectionService collections, CancellationToken cancellationToken)
    {
        var missing = new LeadCandidate(lead.SubjectType, lead.SubjectId, lead.CollectionId, false, []);
        if (lead.CollectionId is not { } collectionId)
            return (missing, null);
        try
        {
            long count = (await collections.DescribeCollectionAsync(collectionId, cancellationToken).ConfigureAwait(false)).FaceCount;
            var faces = lead.SubjectType == "user"
                ? await collections.ListFacesAsync(collectionId, null, MaxCandidateFaces, null, lead.SubjectId, cancellationToken).ConfigureAwait(false)
                : await collections.ListFacesAsync(collectionId, null, 1, [lead.SubjectId], null, cancellationToken).ConfigureAwait(false);
            var shown = faces.Faces.Select(f => new CandidateFace(f.FaceId, f.ExternalImageId, f.UserId)).ToList();
            return (new LeadCandidate(lead.SubjectType, lead.SubjectId, collectionId, shown.Count > 0, shown), count);
        }
        catch (SightlineException ex) when (ex.Kind is ErrorKind.ResourceNotFound or ErrorKind.InvalidParameter)
        {
            return (missing, null); // the collection, face or user was deleted since the search
        }
    }
}
