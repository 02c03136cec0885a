using System.Text;
using System.Text.RegularExpressions;
using Sightline.Imaging;
using Sightline.Text;

namespace Sightline.Evaluation;

public sealed record TextImageResult(string File, int Characters, int Errors, double Cer);

public sealed record TextResult(int Images, double Cer, double Wer, IReadOnlyList<TextImageResult> PerImage);

/// <summary>
/// Character error rate of DetectText against ground-truth text: each image's lines are joined in reading order,
/// both sides have their whitespace collapsed to single spaces (line breaks count as spaces), and CER is the
/// summed edit distance over the summed ground-truth length (WER likewise over words).
/// The CSV names the image (<c>file</c>, or <c>png_copy</c> when given) and either a <c>gt_file</c> or a <c>text</c> column.
/// </summary>
public static partial class TextEvaluation
{
    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    public static TextResult Run(TextEngine engine, ImageDecoder decoder, string csvPath, string root, IProgress<(int Done, int Total)>? progress, CancellationToken ct)
    {
        var csv = CsvTable.Load(csvPath, "file");
        if (!csv.HasColumn("gt_file") && !csv.HasColumn("text"))
            throw SightlineException.InvalidParameter($"CSV file '{csvPath}' needs a 'gt_file' or a 'text' column.");
        var results = new List<TextImageResult>();
        long chars = 0, charErrors = 0, words = 0, wordErrors = 0;
        foreach (var row in csv.Rows)
        {
            ct.ThrowIfCancellationRequested();
            string name = csv.HasColumn("png_copy") && csv.Get(row, "png_copy") is { Length: > 0 } png ? png : csv.Get(row, "file");
            string truth = Normalise(csv.HasColumn("gt_file") && csv.Get(row, "gt_file") is { Length: > 0 } gt
                ? File.ReadAllText(EvalPaths.Resolve(root, gt)) : csv.Get(row, "text"));
            using var image = decoder.DecodeFile(EvalPaths.Resolve(root, name));
            string read = Normalise(string.Join(' ', engine.Read(image, ct).Select(l => l.Text)));
            int errors = Distance(read, truth);
            results.Add(new TextImageResult(name, truth.Length, errors, truth.Length == 0 ? double.NaN : errors / (double)truth.Length));
            chars += truth.Length;
            charErrors += errors;
            var truthWords = truth.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            words += truthWords.Length;
            wordErrors += Distance(read.Split(' ', StringSplitOptions.RemoveEmptyEntries), truthWords);
            progress?.Report((results.Count, csv.Rows.Count));
        }
        return new TextResult(results.Count, chars == 0 ? double.NaN : charErrors / (double)chars, words == 0 ? double.NaN : wordErrors / (double)words, results);
    }

    public static string Normalise(string text) => Whitespace().Replace(text, " ").Trim();

    public static int Distance(string a, string b) => Distance(a.ToCharArray(), b.ToCharArray());

    /// <summary>Levenshtein distance with two rows.</summary>
    public static int Distance<T>(IReadOnlyList<T> a, IReadOnlyList<T> b)
    {
        var previous = new int[b.Count + 1];
        var current = new int[b.Count + 1];
        for (int j = 0; j <= b.Count; j++) previous[j] = j;
        var comparer = EqualityComparer<T>.Default;
        for (int i = 1; i <= a.Count; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Count; j++)
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + (comparer.Equals(a[i - 1], b[j - 1]) ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Count];
    }
}
