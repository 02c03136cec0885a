using System.Text.Json.Nodes;
using Sightline.Access;
using Sightline.Server;

namespace Sightline.Fuzzing;

/// <summary>
/// Requests to the AWS JSON 1.1 API (<c>POST /</c>, <c>X-Amz-Target</c>), one operation at a time from the server's
/// own list, with bodies built from the operation's typed request and then damaged; signed with SigV4 as the SDKs
/// sign, or signed and then mangled (<see cref="SigV4Mangler"/>); and now and then the wrong content type, target or
/// method.
/// </summary>
internal sealed class AwsCases(FuzzTarget target, PlausibleValues values)
{
    private static readonly string[] s_operations = [.. RekognitionEndpoint.Operations.Keys.Order(StringComparer.Ordinal)];

    public static int Operations => s_operations.Length;

    public FuzzCase Create(Random rng, long index)
    {
        string operation = rng.One(s_operations);
        var notes = new List<string>();
        var shape = Shape.Of(RekognitionRequestReader.RequestType(operation));
        var plausible = values.Value(rng, shape, "", 0, notes) as JsonObject ?? [];
        var (body, mutation) = JsonMutator.Mutate(rng, plausible);
        notes.Add(mutation);

        string method = "POST", path = "/";
        string contentType = "application/x-amz-json-1.1", amzTarget = "RekognitionService." + operation;
        switch (rng.Chance(0.12) ? rng.Next(6) : -1)
        {
            case 0: contentType = rng.One(["application/json", "text/plain", "application/x-amz-json-1.0", "", "multipart/form-data", "a/b;;="]); notes.Add("content-type"); break;
            case 1: amzTarget = rng.One(["", "RekognitionService.", "RekognitionService." + operation.ToLowerInvariant(), "Rekognition." + operation, "RekognitionService.Nope", "RekognitionService." + Hostile.String(rng)]); notes.Add("target"); break;
            case 2: method = rng.One(["GET", "PUT", "DELETE", "PATCH"]); notes.Add("method"); break;
            case 3: path = rng.One(["/?x=1", "//", "/%2e%2e/", "/RekognitionService", "/?" + new string('a', 4000)]); notes.Add("path"); break;
            case 4: amzTarget = "RekognitionService." + (Hostile.String(rng) is { Length: < 2000 } s ? s : "X"); operation = "(unknown)"; notes.Add("unknown-operation"); break;
            case 5: body = []; notes.Add("empty-body"); break;
        }
        amzTarget = amzTarget.Length > 4000 ? amzTarget[..4000] : amzTarget;
        var signed = new Dictionary<string, string>(StringComparer.Ordinal) { ["host"] = target.Address.Authority, ["x-amz-target"] = amzTarget };
        if (contentType.Length > 0)
            signed["content-type"] = contentType;
        var audit = new List<KeyValuePair<string, string>>();
        CaseHeaders.Add(rng, audit, notes);
        foreach (var (name, value) in audit)
            signed[name] = value;
        var headers = signed.Where(h => h.Key != "host").ToList(); // HttpClient sends Host from the address
        string signing = SigV4Mangler.Sign(rng, target, method, path, signed, ref body, headers);
        if (signing != "signed") notes.Add(signing);
        return new FuzzCase(index, "aws", operation, string.Join('+', notes), method, path, headers, body);
    }
}
