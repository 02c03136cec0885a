namespace Sightline.ModelImport.Tests.Support;

/// <summary>Conversions and node runs are CPU-heavy: one at a time on a 2-core machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ImportCollection
{
    public const string Name = "import";
}
