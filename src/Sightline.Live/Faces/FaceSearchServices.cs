using Sightline.Collections;
using Sightline.Faces;
using Sightline.Storage;

namespace Sightline.Live.Faces;

/// <summary>What live face search shares across cameras: the face engine, the collections, the lead and audit stores, the policy, the authorizations.</summary>
public sealed record FaceSearchServices(
    FaceEngine Engine,
    CollectionService Collections,
    ILeadStore Leads,
    IAuditStore Audit,
    IPolicyStore Policies,
    AuthorizationBook Authorizations);
