using Sightline.Collections;
using Sightline.Faces;
using Sightline.Storage;

namespace Sightline.Live.Faces;

/// <summary>What live face search shares across cameras: the face engine, the collections, the lead and audit stores, the policy, the authorizations, and where matched leads' crops go.</summary>
public sealed record FaceSearchServices(
    FaceEngine Engine,
    CollectionService Collections,
    ILeadStore Leads,
    IAuditStore Audit,
    IPolicyStore Policies,
    AuthorizationBook Authorizations,
    string CropsDirectory)
{
    /// <summary>A matched lead's face crop, named by its SHA-256 (which the audit record carries).</summary>
    public static string CropPath(string cropsDirectory, string sha256) => Path.Combine(cropsDirectory, sha256 + ".jpg");
}
