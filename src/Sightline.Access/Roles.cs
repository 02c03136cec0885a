namespace Sightline.Access;

/// <summary>What a call does, for deciding whether a role may make it.</summary>
public enum Capability
{
    /// <summary>Analyse an image without storing anything (DetectFaces, CompareFaces).</summary>
    Detect,

    /// <summary>Read collection metadata (Describe/List).</summary>
    Read,

    /// <summary>Create or change collections, faces and users.</summary>
    Index,

    /// <summary>1:N identification searches.</summary>
    Search,

    /// <summary>Read the audit trail and reports.</summary>
    Audit,

    /// <summary>Keys and policy.</summary>
    Administer,

    /// <summary>Decide leads: confirm, reject or mark inconclusive a search's matches.</summary>
    Review,

    /// <summary>Handle live events: acknowledge, escalate, add a note.</summary>
    Respond,
}

/// <summary>The roles an access key carries and what each may do.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Operator = "operator";
    public const string Analyst = "analyst";
    public const string Auditor = "auditor";
    public const string Reviewer = "reviewer";

    public static IReadOnlyList<string> All { get; } = [Admin, Operator, Analyst, Auditor, Reviewer];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);

    /// <summary>
    /// admin: everything. operator: detect, read, index (enrolment), respond (handle live events). analyst: detect,
    /// read, search. auditor: read and audit — no image analysis, no searches. reviewer: read and review leads.
    /// </summary>
    public static bool Allows(string role, Capability capability) => role switch
    {
        Admin => true,
        Operator => capability is Capability.Detect or Capability.Read or Capability.Index or Capability.Respond,
        Analyst => capability is Capability.Detect or Capability.Read or Capability.Search,
        Auditor => capability is Capability.Read or Capability.Audit,
        Reviewer => capability is Capability.Read or Capability.Review,
        _ => false,
    };

    public static void Demand(string accessKeyId, string role, Capability capability, string operation)
    {
        if (!Allows(role, capability))
            throw new SightlineException(ErrorKind.AccessDenied, $"Access key {accessKeyId} has role '{role}', which may not call {operation} ({capability.ToString().ToLowerInvariant()}).");
    }
}
