namespace Sightline.Fuzz;

/// <summary>
/// One fuzz target: runs an input through a parser the way the server does. Refusals the parser documents
/// (a <see cref="SightlineException"/>) are caught inside; any other exception escapes and is a finding.
/// </summary>
public interface IFuzzTarget
{
    string Name { get; }

    void Run(ReadOnlySpan<byte> input);
}

/// <summary>The targets by name.</summary>
public static class FuzzTargets
{
    public static IReadOnlyList<string> Names { get; } = ["image", "sigv4", "requests"];

    public static IFuzzTarget Create(string name) => name switch
    {
        "image" => new ImageTarget(),
        "sigv4" => new SigV4Target(),
        "requests" => new RequestsTarget(),
        _ => throw new ArgumentException($"Unknown target '{name}'. Targets: {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>Where targets say what each step did (replay --verbose); null while fuzzing.</summary>
    public static Action<string>? Trace { get; set; }

    internal static void Note(string step, SightlineException? refused = null) =>
        Trace?.Invoke(refused is null ? $"  {step}: accepted" : $"  {step}: {refused.Kind}: {refused.Message}");
}

/// <summary>Thrown by a target when a parser returned something that breaks its own contract.</summary>
public sealed class ContractViolationException(string message) : Exception(message);
