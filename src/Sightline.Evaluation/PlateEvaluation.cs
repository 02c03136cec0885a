using Sightline.Imaging;
using Sightline.Text;

namespace Sightline.Evaluation;

public sealed record PlateResult(int Plates, double Found, double Exact, double WithinOne, double MsPerImage);

/// <summary>
/// Licence-plate reading against a CSV <c>file,plate_text[,region,x,y,w,h]</c> (one labelled plate per row, box in
/// pixels). With a box, the plate counts as found when a read's centre falls inside it, and that read is scored;
/// without one, the top-ranked read is. Exact: the normalised texts are equal; within one: edit distance ≤ 1.
/// </summary>
public static class PlateEvaluation
{
    /// <param name="details">When given, one CSV line per plate: file, truth, read (empty when not found), edit distance, confidence, raw text.</param>
    public static PlateResult Run(PlateReader reader, ImageDecoder decoder, string csvPath, string root, IProgress<(int Done, int Total)>? progress, CancellationToken ct,
        TextWriter? details = null)
    {
        details?.WriteLine("file,truth,read,distance,confidence,raw");
        var csv = CsvTable.Load(csvPath, "file", "plate_text");
        bool boxes = new[] { "x", "y", "w", "h" }.All(csv.HasColumn);
        int found = 0, exact = 0, withinOne = 0, done = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (var (row, i) in csv.Rows.Select((r, i) => (r, i)))
        {
            ct.ThrowIfCancellationRequested();
            string truth = PlateReader.Normalise(csv.Get(row, "plate_text"));
            using var image = decoder.DecodeFile(EvalPaths.Resolve(root, csv.Get(row, "file")));
            var reads = reader.Read(image.Bgr, ct);
            PlateRead? read;
            if (boxes)
            {
                float x = csv.GetFloat(row, "x", i), y = csv.GetFloat(row, "y", i), w = csv.GetFloat(row, "w", i), h = csv.GetFloat(row, "h", i);
                read = reads.FirstOrDefault(r => r.Quad.Bounds.CenterX >= x && r.Quad.Bounds.CenterX <= x + w && r.Quad.Bounds.CenterY >= y && r.Quad.Bounds.CenterY <= y + h);
            }
            else
            {
                read = reads.FirstOrDefault();
            }
            int distance = read is null ? -1 : TextEvaluation.Distance(read.Text, truth);
            if (read is not null)
            {
                found++;
                exact += distance == 0 ? 1 : 0;
                withinOne += distance <= 1 ? 1 : 0;
            }
            details?.WriteLine(string.Join(',', Csv(csv.Get(row, "file")), truth, read?.Text ?? "", distance,
                (read?.Confidence ?? 0).ToString("F3", System.Globalization.CultureInfo.InvariantCulture), Csv(read?.RawText ?? "")));
            done++;
            progress?.Report((done, csv.Rows.Count));
        }
        double n = Math.Max(1, done);
        return new PlateResult(done, found / n, exact / n, withinOne / n, clock.Elapsed.TotalMilliseconds / n);
    }

    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
