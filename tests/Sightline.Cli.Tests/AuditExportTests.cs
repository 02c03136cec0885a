using System.Text.Json;
using Sightline.Storage;
using Sightline.Tests;

namespace Sightline.Cli.Tests;

/// <summary>Exports work for every stored record, also those older versions wrote with a non-finite threshold.</summary>
[Collection(CliCollection.Name)]
public sealed class AuditExportTests
{
    [Fact]
    public async Task Audit_export_and_reports_survive_non_finite_thresholds_of_older_records()
    {
        using var data = new TempDir();
        using (var core = new TestCore(data.Path))
        {
            var store = core.Get<IAuditStore>();
            // As older versions recorded refused hostile thresholds (and one search that ran).
            foreach (float threshold in new[] { float.PositiveInfinity, float.NegativeInfinity, float.NaN, 9.223372E+18f })
                await store.AppendAuditAsync(new AuditEntry("AKOLD", "analyst", "SearchFacesByImage") { Outcome = "InvalidParameterException", Threshold = threshold, Case = "OLD-1", Purpose = "investigation" }, CancellationToken.None);
            await store.AppendAuditAsync(new AuditEntry("AKOLD", "analyst", "SearchFaces") { Threshold = float.PositiveInfinity, Case = "OLD-1", Purpose = "investigation", Details = "[]" }, CancellationToken.None);
            await store.AppendAuditAsync(new AuditEntry("AKOLD", "admin", "CreateCollection") { Details = "not json" }, CancellationToken.None);
        }

        var list = SightlineCli.Run("audit", "list", "--json", "--data", data.Path);
        Assert.True(list.ExitCode == 0, list.ToString());
        var records = list.Json().EnumerateArray().ToList();
        Assert.Equal(6, records.Count);
        Assert.Equal(["Infinity", "-Infinity", "NaN"], records.Take(3).Select(r => r.GetProperty("threshold").GetString()));
        Assert.Equal(JsonValueKind.Number, records[3].GetProperty("threshold").ValueKind);
        Assert.Equal("not json", records[5].GetProperty("details").GetString());
        Assert.Equal(0, SightlineCli.Run("audit", "list", "--data", data.Path).ExitCode);
        Assert.Equal(0, SightlineCli.Run("audit", "verify", "--data", data.Path).ExitCode);

        var report = SightlineCli.Run("report", "transparency", "--json", "--data", data.Path);
        Assert.True(report.ExitCode == 0, report.ToString());
        Assert.Equal(JsonValueKind.Null, report.Json().GetProperty("searches").GetProperty("lowestThreshold").ValueKind);
    }
}
