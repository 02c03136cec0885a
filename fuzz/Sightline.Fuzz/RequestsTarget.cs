using Sightline.Server;
using Sightline.Server.Native;

namespace Sightline.Fuzz;

/// <summary>
/// Request bodies: the first byte picks an AWS operation (read with <see cref="RekognitionRequestReader.Read"/>) or a
/// native API body type (read with <see cref="NativeInput.ReadBody"/>); the rest is the body.
/// </summary>
public sealed class RequestsTarget : IFuzzTarget
{
    public static IReadOnlyList<string> Operations { get; } =
    [
        "DetectFaces", "CompareFaces", "DetectText", "DetectLabels", "CreateCollection", "DescribeCollection", "ListCollections",
        "DeleteCollection", "IndexFaces", "ListFaces", "DeleteFaces", "SearchFaces", "SearchFacesByImage", "CreateUser", "DeleteUser",
        "ListUsers", "AssociateFaces", "DisassociateFaces", "SearchUsers", "SearchUsersByImage", "TagResource", "UntagResource",
        "ListTagsForResource", "StartFaceDetection", "GetFaceDetection", "StartFaceSearch", "GetFaceSearch", "DetectCustomLabels",
    ];

    public static IReadOnlyList<Type> NativeBodies { get; } =
    [
        typeof(CreateCollectionBody), typeof(CreateUserBody), typeof(FaceIdsBody), typeof(TagsBody), typeof(ReviewBody),
        typeof(RetentionBody), typeof(HoldBody), typeof(VideoJobBody), typeof(HotlistEntryBody), typeof(AlertRuleBody),
    ];

    public string Name => "requests";

    /// <summary>The first byte that selects an operation or body (for building inputs).</summary>
    public static byte Selector(string operationOrBody)
    {
        for (int i = 0; i < Operations.Count; i++)
        {
            if (Operations[i] == operationOrBody)
                return (byte)i;
        }
        for (int i = 0; i < NativeBodies.Count; i++)
        {
            if (NativeBodies[i].Name == operationOrBody)
                return (byte)(Operations.Count + i);
        }
        throw new ArgumentException($"No operation or body '{operationOrBody}'.", nameof(operationOrBody));
    }

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
            return;
        int choice = input[0] % (Operations.Count + NativeBodies.Count);
        var body = input[1..];
        try
        {
            if (choice < Operations.Count)
            {
                var request = RekognitionRequestReader.Read(Operations[choice], body);
                if (request.GetType() != RekognitionRequestReader.RequestType(Operations[choice]).Type)
                    throw new ContractViolationException($"{Operations[choice]} read as {request.GetType().Name}.");
                if (request is IAuditedRequest audited)
                    _ = (audited.CollectionId, audited.MatchThreshold, audited.MatchThresholdName, audited.ProbeInput);
                FuzzTargets.Note(Operations[choice]);
            }
            else
            {
                var type = NativeBodies[choice - Operations.Count];
                var read = NativeInput.ReadBody(type, body);
                if (read.GetType() != type)
                    throw new ContractViolationException($"{type.Name} read as {read.GetType().Name}.");
                FuzzTargets.Note(type.Name);
            }
        }
        catch (SightlineException ex)
        {
            FuzzTargets.Note(choice < Operations.Count ? Operations[choice] : NativeBodies[choice - Operations.Count].Name, ex);
        }
    }
}
