using System.Text.Json;
using Sightline.Faces;

namespace Sightline.Evaluation;

/// <summary>
/// The last run of each evaluation kind, kept under <c>&lt;data&gt;/evaluations/KIND.json</c> so the accountability
/// report can state measured accuracy with where and when it was measured. Figures only: no images, no embeddings.
/// </summary>
public sealed record EvaluationRecord(string Kind, DateTimeOffset At, string Dataset, string Detector, string Embedder, JsonElement Figures)
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public static string Directory(string dataDirectory) => Path.Combine(dataDirectory, "evaluations");

    public static void Save(string dataDirectory, string kind, string dataset, FaceEngineOptions engine, JsonElement figures)
    {
        string dir = Directory(dataDirectory);
        System.IO.Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, kind + ".json"), temp = path + ".tmp";
        var record = new EvaluationRecord(kind, DateTimeOffset.UtcNow, dataset, engine.Detector, engine.Embedder, figures);
        File.WriteAllText(temp, JsonSerializer.Serialize(record, s_json));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The saved runs, by kind; unreadable files are skipped (they are only a convenience copy of printed figures).</summary>
    public static IReadOnlyList<EvaluationRecord> Load(string dataDirectory)
    {
        string dir = Directory(dataDirectory);
        if (!System.IO.Directory.Exists(dir))
            return [];
        var records = new List<EvaluationRecord>();
        foreach (string file in System.IO.Directory.EnumerateFiles(dir, "*.json").Order(StringComparer.Ordinal))
        {
            try
            {
                if (JsonSerializer.Deserialize<EvaluationRecord>(File.ReadAllText(file), s_json) is { } r)
                    records.Add(r);
            }
            catch (JsonException)
            {
            }
        }
        return records;
    }
}
