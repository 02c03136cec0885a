using System.Globalization;
using System.Text.Json;
using Sightline.Storage;

namespace Sightline.Identification;

/// <summary>The audit record's details of a search: the ids and similarities it returned, as compact JSON.</summary>
public static class LeadDetails
{
    public static string Of(IReadOnlyList<LeadMatch> matches) =>
        "[" + string.Join(',', matches.Select(m => $"{{\"{m.SubjectType}Id\":{JsonSerializer.Serialize(m.SubjectId)},\"similarity\":{Number(m.Similarity)}}}")) + "]";

    // JSON has no NaN or infinity; a similarity is computed and always finite, but the record must stay JSON regardless.
    private static string Number(float value) => float.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "null";
}
