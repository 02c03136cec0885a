using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Sightline.Access;
using Sightline.Faces;
using Sightline.Models;
using Sightline.Storage;

namespace Sightline.Evaluation;

/// <summary>
/// The facts an accountability report (e.g. RCW 43.386.020) asks for that the system itself knows: its version,
/// the models and their hashes, measured accuracy from the last evaluation runs (with per-group figures when they
/// were measured), thresholds and rules in force, data inputs, retention, use and review over the last year, and
/// the state of the audit chain. Markdown, ready to convert to PDF; the agency adds what only it can say.
/// </summary>
/// <summary>The stores an accountability report reads.</summary>
public sealed record AccountabilitySources(IAuditStore Audit, ICollectionStore Collections, IPolicyStore Policies, IRetentionStore Retention);

public static class AccountabilityReport
{
    public static async Task<string> BuildAsync(AccountabilitySources store, string dataDirectory, string modelsDirectory, FaceEngineOptions engine, DateTimeOffset now, CancellationToken ct)
    {
        var catalog = new ModelCatalog(modelsDirectory);
        var policy = await store.Policies.GetPolicyAsync(ct).ConfigureAwait(false);
        var use = await TransparencyReport.BuildAsync(store.Audit, store.Collections, store.Policies, store.Retention, now.AddDays(-365), now,
            Faces.SimilarityCalibration.Default.EstimatedFalseMatchRate, ct).ConfigureAwait(false);
        var audit = await store.Audit.VerifyAuditAsync(ct).ConfigureAwait(false);
        var rules = await store.Retention.ListRetentionAsync(ct).ConfigureAwait(false);
        int holds = (await store.Retention.ListHoldsAsync(ct).ConfigureAwait(false)).Count;
        string version = typeof(AccountabilityReport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');

        Line("# Sightline accountability report");
        Line();
        Line($"Generated {now:yyyy-MM-dd HH:mm} UTC from the data directory `{dataDirectory}`. Every figure below comes from the system itself; "
            + "sections the agency must write (intended use, training of reviewers, public engagement) are listed at the end.");
        Line();
        Line("## 1. System");
        Line();
        Line($"- Software: Sightline {version}, self-hosted on {Environment.OSVersion.VersionString}, {Environment.ProcessorCount} CPU cores; no data leaves the agency's machines.");
        Line($"- Face detector in use: `{engine.Detector}`; face embedder: `{engine.Embedder}`.");
        Line("- Every identification search is tied to a user, a role, a case and a purpose, written to a hash-chained audit log, and each match is a lead for human review — never an identification until a reviewer confirms it.");
        Line();
        Line("## 2. Models");
        Line();
        Line("| model | role | package | sha256 | on disk |");
        Line("|---|---|---|---|---|");
        foreach (var m in catalog.Manifest.Models)
        {
            string state;
            try { catalog.Resolve(m.Id, m.Role ?? ""); state = "verified"; }
            catch (SightlineException ex) { state = ex.Kind == ErrorKind.ModelUnavailable ? "missing or corrupt" : "not checked"; }
            string package = catalog.Manifest.Packages.FirstOrDefault(p => p.Name == m.Package) is { } p ? p.Spec : m.Package ?? "";
            Line($"| `{m.Id}` | {m.Role} | {package} | `{m.Sha256}` | {state} |");
        }
        Line();
        Line("## 3. Thresholds and rules in force");
        Line();
        Line($"- Identification threshold floor: **{policy.IdentificationThresholdFloor.ToString(CultureInfo.InvariantCulture)}** (no search may ask for less without an audited admin change).");
        Line($"- Default 1:1 comparison threshold: {FaceComparer.DefaultThreshold.ToString(CultureInfo.InvariantCulture)}.");
        Line($"- A case number and purpose are {(policy.RequireCase ? "required on every identification search" : "optional; searches without them are flagged in the audit log")}.");
        Line($"- Purposes allowed: {string.Join(", ", policy.Purposes)}.");
        Line($"- A searcher may {(policy.ReviewOwnSearches ? "" : "not ")}review the leads of their own search.");
        Line();
        Line("## 4. Measured accuracy");
        Line();
        var runs = EvaluationRecord.Load(dataDirectory);
        if (runs.Count == 0)
            Line("No evaluation has been run on this data directory. Run `sightline eval verify|identify|detect|impostors` on labelled data (with `--group-column` for per-group figures); the last run of each kind is reported here.");
        if (runs.Count == 0)
            Line();
        foreach (var run in runs)
        {
            Line($"### {run.Kind} — {run.At:yyyy-MM-dd HH:mm} UTC");
            Line();
            Line($"Dataset `{run.Dataset}`; detector `{run.Detector}`, embedder `{run.Embedder}`.");
            Line();
            Line("| measure | value |");
            Line("|---|---|");
            foreach (var p in run.Figures.EnumerateObject().Where(p => p.Value.ValueKind is JsonValueKind.Number or JsonValueKind.String))
                Line($"| {p.Name} | {Value(p.Value)} |");
            if (run.Figures.TryGetProperty("groups", out var groups) && groups.ValueKind == JsonValueKind.Object)
            {
                Line();
                Line("Per group:");
                Line();
                var columns = groups.EnumerateObject().First().Value.EnumerateObject().Select(c => c.Name).ToList();
                Line("| group | " + string.Join(" | ", columns) + " |");
                Line("|---|" + string.Concat(columns.Select(_ => "---|")));
                foreach (var g in groups.EnumerateObject())
                    Line($"| {g.Name} | " + string.Join(" | ", columns.Select(c => g.Value.TryGetProperty(c, out var v) ? Value(v) : "")) + " |");
            }
            Line();
        }
        Line("## 5. Data inputs");
        Line();
        Line("- Enrolled faces come only from images the agency's users submit (IndexFaces through the API or CLI); probe images of searches are never stored — the audit log keeps their SHA-256.");
        Line("- Stored video is read from the buckets the server is configured with; results are kept as job records.");
        Line();
        Line("| collection | faces | users |");
        Line("|---|---|---|");
        foreach (var c in use.Collections)
            Line($"| {c.CollectionId} | {c.Faces} | {c.Users} |");
        Line();
        Line("## 6. Retention and legal holds");
        Line();
        if (rules.Count == 0)
            Line("No retention rule is set: faces and leads are kept until deleted.");
        foreach (var r in rules)
            Line($"- {r.CollectionId}: faces kept {Days(r.FaceDays)}, leads kept {Days(r.LeadDays)}.");
        Line($"- Cases under legal hold: {holds}. Faces deleted by retention in the last 365 days: {use.Rules.FacesDeletedByRetention}.");
        Line();
        Line("## 7. Use and human review, last 365 days");
        Line();
        Line($"- Identification searches: {use.Searches.Total} ({string.Join(", ", use.Searches.ByPurpose.Select(p => $"{p.Key} {p.Value}"))}); refused by policy: {use.Searches.Refused}; without a case: {use.Searches.WithoutCase}.");
        Line($"- Leads produced: {use.Leads.Produced}; reviewed: {use.Leads.Reviewed} (confirmed {use.Leads.Confirmed}, rejected {use.Leads.Rejected}, inconclusive {use.Leads.Inconclusive}).");
        Line();
        Line("## 8. Audit chain");
        Line();
        Line(audit.Intact ? $"Verified intact at generation time: {audit.Records} records, hash-chained and sealed with a key kept outside the database."
            : $"**Verification failed** at record {audit.FirstBadSeq}: {audit.Problem}.");
        Line();
        Line("## For the agency to complete");
        Line();
        Line("Intended use and the decisions the system supports; the training reviewers receive; how the public was consulted; "
            + "complaint procedures; the legal authority (warrant or court order) for any ongoing surveillance — Sightline runs no live face search without an authorization record.");
        return md.ToString();
    }

    private static string Days(int? days) => days is { } d ? $"{d} days" : "until deleted";

    private static string Value(JsonElement v) => v.ValueKind == JsonValueKind.Number
        ? v.GetDouble() is var d && d == Math.Floor(d) && Math.Abs(d) < 1e12 ? d.ToString("F0", CultureInfo.InvariantCulture) : v.GetDouble().ToString("0.####", CultureInfo.InvariantCulture)
        : v.ToString();
}
