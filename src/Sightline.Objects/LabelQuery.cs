namespace Sightline.Objects;

/// <summary>What a DetectLabels caller asks for, with Rekognition's defaults and limits; validated at the boundary.</summary>
public sealed record LabelQuery
{
    /// <summary>Rekognition's default MinConfidence.</summary>
    public const float DefaultMinConfidence = 55f;

    private const int MaxFilterEntries = 100;

    public int? MaxLabels { get; init; }

    public float MinConfidence { get; init; } = DefaultMinConfidence;

    public IReadOnlyList<string>? LabelInclusionFilters { get; init; }

    public IReadOnlyList<string>? LabelExclusionFilters { get; init; }

    public IReadOnlyList<string>? LabelCategoryInclusionFilters { get; init; }

    public IReadOnlyList<string>? LabelCategoryExclusionFilters { get; init; }

    /// <summary>Rejects out-of-range numbers and filter names no label or category of the taxonomy has, naming the valid ones.</summary>
    public LabelQuery Validate()
    {
        if (MaxLabels is < 0 or > 4096)
            throw SightlineException.InvalidParameter($"MaxLabels must be between 0 and 4096, got {MaxLabels}.");
        if (!(MinConfidence is >= 0 and <= 100))
            throw SightlineException.InvalidParameter($"MinConfidence must be between 0 and 100, got {MinConfidence}.");
        CheckNames(nameof(LabelInclusionFilters), LabelInclusionFilters, LabelTaxonomy.Names, "labels");
        CheckNames(nameof(LabelExclusionFilters), LabelExclusionFilters, LabelTaxonomy.Names, "labels");
        CheckNames(nameof(LabelCategoryInclusionFilters), LabelCategoryInclusionFilters, LabelTaxonomy.CategoryNames, "categories");
        CheckNames(nameof(LabelCategoryExclusionFilters), LabelCategoryExclusionFilters, LabelTaxonomy.CategoryNames, "categories");
        return this;
    }

    internal bool Admits(LabelInfo label) =>
        (LabelInclusionFilters is not { Count: > 0 } include || include.Contains(label.Name))
        && (LabelExclusionFilters is not { Count: > 0 } exclude || !exclude.Contains(label.Name))
        && (LabelCategoryInclusionFilters is not { Count: > 0 } includeCategories || label.Categories.Any(includeCategories.Contains))
        && (LabelCategoryExclusionFilters is not { Count: > 0 } excludeCategories || !label.Categories.Any(excludeCategories.Contains));

    private static void CheckNames(string filter, IReadOnlyList<string>? names, IReadOnlyCollection<string> known, string what)
    {
        if (names is null)
            return;
        if (names.Count > MaxFilterEntries)
            throw SightlineException.InvalidParameter($"{filter} has {names.Count} entries; at most {MaxFilterEntries} are allowed.");
        foreach (var name in names)
        {
            if (string.IsNullOrWhiteSpace(name) || !known.Contains(name))
                throw SightlineException.InvalidParameter($"{filter} names '{name}', which is not one of the {known.Count} {what} this server can return: {string.Join(", ", known.Order(StringComparer.Ordinal))}.");
        }
    }
}
