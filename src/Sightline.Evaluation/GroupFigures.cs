namespace Sightline.Evaluation;

/// <summary>Verification figures for one group of a labelled dataset (the CSV's group column), at the run's threshold.</summary>
public sealed record VerifyGroup(int Pairs, int Genuine, int Impostor, int NoFace, double Accuracy, double FalseMatchRate, double FalseNonMatchRate, double Eer);

/// <summary>Identification figures for the probes of one group, at the run's FPIR 0.01 threshold.</summary>
public sealed record IdentifyGroup(int Probes, int NoFace, double Rank1, double TpirAtFpir1e2);

/// <summary>Reads the optional group column of an evaluation CSV.</summary>
internal static class Groups
{
    public static void Require(CsvTable csv, string? column)
    {
        if (column is not null && !csv.HasColumn(column))
            throw SightlineException.InvalidParameter($"CSV file '{csv.Path}' has no '{column}' column for --group-column.");
    }

    public static string Of(CsvTable csv, string[] row, string? column) =>
        column is null ? "" : csv.Get(row, column) is { Length: > 0 } g ? g : "(unlabelled)";

    public static double Rate(int part, int whole) => whole == 0 ? double.NaN : part / (double)whole;
}
