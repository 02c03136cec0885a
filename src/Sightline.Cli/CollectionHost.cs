using System.CommandLine;
using Sightline.Access;
using Sightline.Collections;
using Sightline.Faces;
using Sightline.Identification;
using Sightline.Storage;

namespace Sightline.Cli;

/// <summary>
/// The collection service and what it owns, opened on the --data directory. Changes made through it are audited
/// under <see cref="Audit"/>, as the local user (role admin: whoever can run the CLI on the data directory
/// administers it), and searches pass the same policy as the server's.
/// </summary>
internal sealed class CollectionHost : IDisposable
{
    private readonly CliCore _core;
    private readonly string _operation;

    public CollectionHost(ParseResult parse)
        : this(CliCore.Open(parse), CommandPath(parse))
    {
    }

    public CollectionHost(CliCore core, string operation)
    {
        _core = core;
        Service = core.Get<CollectionService>();
        Pipeline = core.Get<IdentificationPipeline>();
        _operation = operation;
        Audit = LocalEntry(operation);
    }

    /// <summary>The entry this command's changes are recorded under.</summary>
    public AuditEntry Audit { get; }

    public CollectionService Service { get; }

    public CliCore Core => _core;

    public static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var r = parse.CommandResult; r?.Parent is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Add(r.Command.Name);
        names.Reverse();
        return "cli " + string.Join(' ', names);
    }

    public static AuditEntry LocalEntry(string operation) => new("local:" + Environment.UserName, Roles.Admin, operation);

    /// <summary>The identification pipeline over this data directory: the same policy gate and records as the server's.</summary>
    public IdentificationPipeline Pipeline { get; }

    /// <summary>Runs an identification search under the policy (case, purpose, threshold floor) and records it.</summary>
    public Task<T> IdentifyAsync<T>(string collectionId, string? caseId, string? purpose, float? threshold, string? probe, Func<float, Task<Identified<T>>> search, CancellationToken ct) =>
        Pipeline.RunAsync(LocalEntry(_operation) with { CollectionId = collectionId, Case = caseId, Purpose = purpose, Probe = probe }, threshold, "--threshold", search, ct);

    public void Dispose()
    {
        _core.Dispose();
    }
}
