using System.CommandLine;
using Sightline.Collections;
using Sightline.Faces;
using Sightline.Storage.Sqlite;

namespace Sightline.Cli;

/// <summary>The collection service and what it owns, opened on the --data directory.</summary>
internal sealed class CollectionHost : IDisposable
{
    private readonly FaceEngine _engine;
    private readonly CollectionIndexes _indexes;

    public CollectionHost(ParseResult parse)
    {
        string data = GlobalOptions.DataDirectory(parse);
        var store = new SqliteCollectionStore(data);
        _engine = new FaceEngine(GlobalOptions.EngineOptions(parse));
        _indexes = new CollectionIndexes(store, _engine.Embedder.Dimension, Path.Combine(data, "indexes"));
        Service = new CollectionService(_engine, store, _indexes);
    }

    public CollectionService Service { get; }

    public void Dispose()
    {
        _indexes.Dispose();
        _engine.Dispose();
    }
}
