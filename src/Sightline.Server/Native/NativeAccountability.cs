using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sightline.Access;
using Sightline.Collections;
using Sightline.Storage;

namespace Sightline.Server.Native;

/// <summary>Retention rules, legal holds and the transparency report (native API).</summary>
public static class NativeAccountability
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/retention", async (IRetentionStore retention, CancellationToken ct) => Results.Ok(new { rules = await retention.ListRetentionAsync(ct) }))
            .Op("ListRetention", Capability.Audit, "Retention rules per collection (days faces and leads are kept)");

        v1.MapPut("/collections/{collectionId}/retention", async (string collectionId, HttpRequest request, IRetentionStore retention, CancellationToken ct) =>
        {
            var body = await NativeInput.JsonAsync<RetentionBody>(request, ct);
            return Results.Ok(await RetentionRules.SetAsync(retention, RequestIdentity.AuditOf(request.HttpContext), Validate.CollectionId(collectionId), body.FaceDays, body.LeadDays, ct));
        }).Op("SetRetention", Capability.Administer, "Keep a collection's faces and leads for at most faceDays / leadDays (both null clears the rule; audited)")
            .Accepts<RetentionBody>("application/json").Produces<RetentionRule>();

        v1.MapPost("/retention/runs", async (HttpContext context, RetentionWorker worker, CancellationToken ct) =>
            Results.Ok((await worker.RunOnceAsync(RequestIdentity.AuditOf(context), ct)).ToView()))
            .Op("ApplyRetention", Capability.Administer, "Apply the retention rules of collections and cameras now (the server also does so every hour); deletions are audited");

        v1.MapGet("/holds", async (IRetentionStore retention, CancellationToken ct) => Results.Ok(new { holds = await retention.ListHoldsAsync(ct) }))
            .Op("ListLegalHolds", Capability.Audit, "Cases under legal hold");

        v1.MapPut("/holds/{caseId}", async (string caseId, HttpRequest request, IRetentionStore retention, CancellationToken ct) =>
        {
            var body = await NativeInput.JsonAsync<HoldBody>(request, ct);
            return Results.Ok(await LegalHolds.PlaceAsync(retention, RequestIdentity.AuditOf(request.HttpContext), caseId, body.Reason, RequestIdentity.Of(request.HttpContext).Principal!.AccessKeyId,
                DateTimeOffset.UtcNow, ct));
        }).Op("PlaceLegalHold", Capability.Administer, "Place a case under legal hold: nothing its leads point at is deleted until it is lifted (audited)")
            .Accepts<HoldBody>("application/json").Produces<LegalHold>();

        v1.MapDelete("/holds/{caseId}", async (string caseId, HttpContext context, IRetentionStore retention, CancellationToken ct) =>
        {
            await LegalHolds.LiftAsync(retention, RequestIdentity.AuditOf(context), caseId, ct);
            return Results.NoContent();
        })
            .Op("LiftLegalHold", Capability.Administer, "Lift a legal hold (audited)");

        v1.MapGet("/policy", async (IPolicyStore policies, CancellationToken ct) =>
        {
            var policy = await policies.GetPolicyAsync(ct);
            return Results.Ok(new { policy.RequireCase, policy.IdentificationThresholdFloor, policy.Purposes, policy.ReviewOwnSearches });
        }).Op("GetSearchPolicy", Capability.Read, "The search policy in force: whether a case is required, the threshold floor, the purposes a search may name, whether people may review their own searches");

        v1.MapGet("/audit", async (HttpRequest request, IAuditStore audit, CancellationToken ct) =>
        {
            long? before = NativeInput.Text(request, "before") is { } b
                ? long.TryParse(b, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long seq) && seq > 0 ? seq
                    : throw SightlineException.InvalidParameter($"before must be a positive sequence number, got '{b}'.")
                : null;
            var query = new AuditQuery(NativeInput.Text(request, "actor"), NativeInput.Text(request, "case"), NativeInput.Text(request, "operation"), before,
                NativeInput.Int(request, "limit", 1, AuditQuery.MaxLimit) ?? 100, NativeInput.Instant(request, "from"), NativeInput.Instant(request, "to"));
            if (query is { From: { } from, To: { } to } && to <= from)
                throw SightlineException.InvalidParameter($"Query parameter 'to' must be after 'from' (from {from:O}, to {to:O}).");
            var records = await audit.QueryAuditAsync(query, ct);
            return Results.Ok(new
            {
                records = records.Select(r => new
                {
                    r.Seq, r.At, r.Entry.Actor, r.Entry.Role, r.Entry.Operation, r.Entry.Outcome, r.Entry.CollectionId, r.Entry.Case, r.Entry.Purpose,
                    Threshold = AuditChain.ThresholdText(r.Entry.Threshold), r.Entry.Probe, r.Entry.Details, r.Hash,
                }),
                next = records.Count == query.Limit ? records[^1].Seq : (long?)null,
            });
        }).Op("ListAuditRecords", Capability.Audit, "Audit records, newest first (actor, case and operation exact; made in [from, to), ISO 8601; before a sequence number; limit ≤ 1,000); 'next' pages on");

        v1.MapGet("/audit/verification", async (IAuditStore audit, CancellationToken ct) =>
        {
            var result = await audit.VerifyAuditAsync(ct);
            return Results.Ok(new { result.Intact, result.Records, result.FirstBadSeq, result.Problem, VerifiedAt = DateTimeOffset.UtcNow });
        }).Op("VerifyAuditChain", Capability.Audit, "Recompute the audit chain's hashes and check its seals now: intact, or the first bad record and what is wrong");

        v1.MapGet("/reports/transparency", async (HttpRequest request, IAuditStore audit, ICollectionStore collections, IPolicyStore policies, IRetentionStore retention,
            Faces.FaceComparer comparer, CancellationToken ct) =>
        {
            var to = TransparencyReport.ParseBound(NativeInput.Text(request, "to"), "to", DateTimeOffset.UtcNow);
            var from = TransparencyReport.ParseBound(NativeInput.Text(request, "from"), "from", to.AddDays(-365));
            var report = await TransparencyReport.BuildAsync(audit, collections, policies, retention, from, to, comparer.Calibration.EstimatedFalseMatchRate, ct);
            return NativeInput.Text(request, "format") switch
            {
                null or "json" => Results.Text(report.ToJson(), "application/json"),
                "csv" => Results.Text(report.ToCsv(), "text/csv"),
                var other => throw SightlineException.InvalidParameter($"format must be json or csv, got '{other}'."),
            };
        }).Op("TransparencyReport", Capability.Audit, "Aggregate figures for publication over [from, to): searches by purpose, leads and review outcomes, operations by role, collection sizes, rules in force")
            .Produces<TransparencyReport>();
    }
}
